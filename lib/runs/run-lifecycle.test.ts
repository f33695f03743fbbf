import { describe, expect, it } from "vitest";
import { RunStatus } from "../schemas/run";
import { canMoveRun, canMoveStage, type StageStatus } from "./run-lifecycle";

const runStatuses = RunStatus.options;
const stageStatuses: StageStatus[] = ["pending", "running", "succeeded", "failed"];

// Every (from, to) pair the lifecycle allows; anything else must be refused.
const legalRunMoves = new Set([
  "queued>running", "queued>failed", "queued>cancelled",
  "running>running", "running>queued", "running>succeeded", "running>failed", "running>cancelled",
]);
const legalStageMoves = new Set(["pending>running", "running>running", "running>pending", "running>succeeded", "running>failed"]);

describe("the run lifecycle's transition table", () => {
  it("allows exactly the run moves of the lifecycle", () => {
    for (const from of runStatuses)
      for (const to of runStatuses) expect(canMoveRun(from, to), `${from} → ${to}`).toBe(legalRunMoves.has(`${from}>${to}`));
  });

  it("keeps cancelled, succeeded and failed final", () => {
    for (const from of ["cancelled", "succeeded", "failed"] as const)
      for (const to of runStatuses) expect(canMoveRun(from, to), `${from} → ${to}`).toBe(false);
  });

  it("allows exactly the stage moves of the lifecycle", () => {
    for (const from of stageStatuses)
      for (const to of stageStatuses) expect(canMoveStage(from, to), `${from} → ${to}`).toBe(legalStageMoves.has(`${from}>${to}`));
  });
});
