import { z } from "zod";
import { Architecture } from "../ml/models/architecture";
import { estimateArchitecture } from "../ml/models/estimate";
import { describeTechnique, numberOr } from "./descriptor";
import { fineTuneFields } from "./fine-tune.schema";

export const DistillParams = z
  .object({
    student: z
      .enum(["input", "bench-cnn", "small-cnn", "mobilenet-v2", "resnet"])
      .default("mobilenet-v2")
      .describe('Student architecture, trained from scratch; "input" fine-tunes the incoming model as the student'),
    width: z.number().min(0.25).max(2).default(0.5).describe("Student width multiplier (MobileNetV2-style students)"),
    depth: z.number().int().min(1).max(9).default(3).describe("Student basic blocks per stage (ResNet-style students)"),
    teacher: z.enum(["baseline", "input", "run"]).default("baseline")
      .describe("Teacher: the run's baseline model, this stage's input model, or another run's final model (teacherRunId)"),
    teacherRunId: z.string().trim().min(1).max(64).optional()
      .describe("With teacher \"run\": the id of a succeeded run on the same dataset whose final model teaches"),
    temperature: z.number().min(1).max(20).default(4).describe("Softmax temperature T for the soft targets (Hinton et al.)"),
    alpha: z.number().min(0).max(1).default(0.7).describe("Weight of the soft loss KL(teacher_T ‖ student_T)·T²; 1−α goes to the hard-label cross-entropy"),
    ...fineTuneFields,
  })
  .strict();
export type DistillParams = z.infer<typeof DistillParams>;

export const distillDescriptor = describeTechnique({
  name: "distill",
  label: "Knowledge distillation",
  configSchema: DistillParams,
  stageIssues: (params, { index }) => {
    if (params.teacher === "input" && params.student === "input") {
      return [{ path: [index, "params", "teacher"], message: 'the student and the teacher cannot both be the input model (set teacher to "baseline")' }];
    }
    if (params.teacher === "run" && !params.teacherRunId) {
      return [{ path: [index, "params", "teacherRunId"], message: 'teacher "run" needs teacherRunId: the id of the run whose model teaches' }];
    }
    return [];
  },
  // A zoo student is known exactly; "input" fine-tunes the input model, which stays what it was.
  sketch: (input, params, { data }) => {
    if (params.student === "input") return { model: input };
    const student = Architecture.safeParse(params.student ?? "mobilenet-v2");
    if (!student.success) return { model: input };
    const opts = { ...data, width: numberOr(params.width, 0.5), depth: numberOr(params.depth, 3) };
    // zoo.ts: only MobileNetV2 and ResNet take width/depth; the others ignore them.
    const used = student.data === "mobilenet-v2" || student.data === "resnet" ? opts : data;
    return { model: { arch: student.data, opts: used, estimate: estimateArchitecture(student.data, used) } };
  },
  runsRead: (params) => (typeof params.teacherRunId === "string" ? [{ runId: params.teacherRunId, field: "teacherRunId", role: "teacher" }] : []),
  // The fine-tuned input as the student: what an uploaded model needs to hold (the other students are built anew).
  fitCases: { distill: { teacher: "baseline", student: "input" } },
  fitKey: () => "distill",
});
