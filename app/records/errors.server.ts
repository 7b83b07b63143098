// Bad input a records command refuses, with the field it concerns, a message key suffix
// (records.error.<code>) and its parameters. Routes turn it into a 400/409 with the message.
export type RecordsErrorCode =
  | "holdEmpty"
  | "holdRange"
  | "holdOverlap"
  | "holdReleased"
  | "unknownCustodian"
  | "unknownSpace"
  | "retentionBelowMinimum"
  | "erasureHeld";

export class RecordsInputError extends Error {
  constructor(
    readonly code: RecordsErrorCode,
    readonly status: 400 | 409,
    readonly field: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`records: ${code}`);
  }
}
