// Every compression technique's descriptor, in one explicit list (nothing registers itself on import): the
// pipeline union, the order rules, the form and the checks before queueing are built from it. tfjs-free, so the
// web imports it; the worker's techniques (index.ts) add `apply` to each, and the compiler refuses a name listed
// here without an implementation there.
import { analyzeDescriptor } from "./analyze.schema";
import { autoDescriptor } from "./auto.schema";
import { clusterDescriptor } from "./cluster.schema";
import type { TechniqueDescriptor } from "./descriptor";
import { distillDescriptor } from "./distill.schema";
import { nasDescriptor } from "./nas.schema";
import { pruneDescriptor } from "./prune.schema";
import { quantizeDescriptor } from "./quantize.schema";

export const techniqueDescriptors = [distillDescriptor, pruneDescriptor, quantizeDescriptor, clusterDescriptor, nasDescriptor, analyzeDescriptor, autoDescriptor] as const;

export type TechniqueName = (typeof techniqueDescriptors)[number]["name"];

export const techniqueNames = techniqueDescriptors.map((d) => d.name) as TechniqueName[];

/** The descriptor of a compression technique, or undefined (the baseline has none: it is not a technique). */
export function descriptorOf(name: string): TechniqueDescriptor | undefined {
  return (techniqueDescriptors as readonly TechniqueDescriptor[]).find((d) => d.name === name);
}
