// Every compression technique, in one explicit list (nothing registers itself on import).
import { cluster } from "./cluster";
import { distill } from "./distill";
import { nas } from "./nas";
import { prune } from "./prune";
import { quantize } from "./quantize";
import type { Technique } from "./types";

export const techniques = [distill, prune, quantize, cluster, nas] as const;

export type TechniqueName = (typeof techniques)[number]["name"];

export function techniqueByName(name: string): Technique<unknown> {
  const t = techniques.find((x) => x.name === name);
  if (!t) throw new Error(`unknown compression technique "${name}" (known: ${techniques.map((x) => x.name).join(", ")})`);
  return t as unknown as Technique<unknown>;
}

export type { StageResult, Technique, TechniqueContext, TechniqueProgress, NasCandidate } from "./types";
