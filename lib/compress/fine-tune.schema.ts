// Fine-tuning knobs shared by the techniques that train (zod only: the browser form imports this).
import { z } from "zod";

export const fineTuneFields = {
  epochs: z.number().int().min(1).max(100).optional().describe("Fine-tuning epochs (default: the run's training epochs)"),
  learningRate: z.number().gt(0).max(1).optional().describe("Fine-tuning learning rate (default: the run's learning rate)"),
};
