// Every compression technique as the worker runs it: the descriptors of catalog.ts (the one list), each with its
// implementation. The record is keyed by the catalog's names, so a technique listed there without an
// implementation here — or one whose implementation carries another name — is a type error.
import { techniqueDescriptors, type TechniqueName } from "./catalog";
import { analyze } from "./analyze";
import { auto } from "./auto";
import { cluster } from "./cluster";
import { distill } from "./distill";
import { nas } from "./nas";
import { prune } from "./prune";
import { quantize } from "./quantize";
import type { AnalysisResult, StageResult, Technique } from "./types";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own params and result types
type AnyTechnique = Technique<any, any>;

const implementations: { [N in TechniqueName]: AnyTechnique & { name: N } } = { distill, prune, quantize, cluster, nas, analyze, auto };

/** In the catalog's order. */
export const techniques = techniqueDescriptors.map((d) => implementations[d.name]);

export type { TechniqueName } from "./catalog";

export function techniqueByName(name: string): Technique<unknown, StageResult | AnalysisResult> {
  const t = techniques.find((x) => x.name === name);
  if (!t) throw new Error(`unknown compression technique "${name}" (known: ${techniques.map((x) => x.name).join(", ")})`);
  return t as Technique<unknown, StageResult | AnalysisResult>;
}

export type { AutoCandidate, AutoResult } from "./auto";
export type { AnalysisResult, StageResult, Technique, TechniqueContext, TechniqueProgress, NasCandidate, NasResult } from "./types";
export type { ChildRun } from "./descriptor";
