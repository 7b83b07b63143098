import { z } from "zod";

/** A calendar day "YYYY-MM-DD" that exists (no 2026-13-45, no 31 February), years 1970–9999. */
export const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "invalid date")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00.000Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && s >= "1970-01-01";
  }, "invalid date");
