/**
 * Digest periods in a bank's time zone (issue 18, part 4), with the built-in `Temporal` API:
 * zone offsets, daylight-saving gaps and ISO weeks come from it, never from hand-written offsets.
 *
 * - Daily: one local calendar day [00:00, next 00:00), sent at `SEND_HOUR` the morning after.
 * - Weekly: one ISO week, Monday 00:00 to the next Monday 00:00, sent at `SEND_HOUR` on that
 *   next Monday. Labelled `2026-W49` (ISO week-numbering year and week).
 *
 * `duePeriod` is the latest period whose sending time has passed: a scheduler that was down at
 * 09:00 produces it when it comes back, and the unique key (bank, kind, period start) makes
 * each period one digest however many instances ask. Pure: the caller passes the clock.
 */

export const DIGEST_KINDS = ["weekly", "daily"] as const;
export type DigestKind = (typeof DIGEST_KINDS)[number];

/** A bank without its own setting reads its schedules in China Standard Time. */
export const DEFAULT_TIME_ZONE = "Asia/Shanghai";
/** Digests go out at 09:00 local time. */
export const SEND_HOUR = 9;

export interface DigestPeriod {
  kind: DigestKind;
  start: Date;
  end: Date;
  /** When it is sent: `SEND_HOUR` local on the day the period ends. */
  sendAt: Date;
  /** `2026-W49` (weekly) or `2026-11-30` (daily). */
  label: string;
  timeZone: string;
}

/**
 * The canonical name of the time zone `name` (an IANA name such as `Asia/Shanghai`, any case),
 * or null when `Temporal` does not know it.
 */
export function canonicalTimeZone(name: string): string | null {
  if (name.length === 0 || name.length > 64) return null;
  try {
    return Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(name).timeZoneId;
  } catch {
    return null;
  }
}

function zoned(at: Date, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone);
}

function instantOf(z: Temporal.ZonedDateTime): Date {
  return new Date(z.epochMilliseconds);
}

/** The period of `kind` that ends at local midnight starting `endDay`. */
function periodEnding(kind: DigestKind, endDay: Temporal.PlainDate, timeZone: string) {
  const startDay = endDay.subtract(kind === "weekly" ? { weeks: 1 } : { days: 1 });
  const label = kind === "weekly"
    ? `${startDay.yearOfWeek}-W${String(startDay.weekOfYear).padStart(2, "0")}`
    : startDay.toString();
  return {
    kind,
    start: instantOf(startDay.toZonedDateTime({ timeZone })),
    end: instantOf(endDay.toZonedDateTime({ timeZone })),
    sendAt: instantOf(
      endDay.toZonedDateTime({ timeZone, plainTime: new Temporal.PlainTime(SEND_HOUR) }),
    ),
    label,
    timeZone,
  };
}

/** The latest period of `kind` whose sending time is at or before `now`, in `timeZone`. */
export function duePeriod(kind: DigestKind, now: Date, timeZone: string): DigestPeriod {
  const local = zoned(now, timeZone);
  let endDay = local.toPlainDate();
  if (kind === "weekly") endDay = endDay.subtract({ days: endDay.dayOfWeek - 1 });
  const candidate = periodEnding(kind, endDay, timeZone);
  if (candidate.sendAt.getTime() <= now.getTime()) return candidate;
  return periodEnding(
    kind,
    endDay.subtract(kind === "weekly" ? { weeks: 1 } : { days: 1 }),
    timeZone,
  );
}

/**
 * A wall-clock time in `timeZone` (`2026-12-07T09:00`, as an `<input type="datetime-local">`
 * sends it) as an instant; null when it is not such a time. A time skipped by a daylight-saving
 * change moves forward (`disambiguation: "compatible"`).
 */
export function localToInstant(local: string, timeZone: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return null;
  try {
    const z = Temporal.PlainDateTime.from(local).toZonedDateTime(timeZone);
    return instantOf(z);
  } catch {
    return null;
  }
}

/** An instant as the wall-clock time an `<input type="datetime-local">` shows (`2026-12-07T09:00`). */
export function instantToLocal(at: Date, timeZone: string): string {
  return zoned(at, timeZone).toPlainDateTime().toString({ smallestUnit: "minute" });
}

/** An instant for a person, in `timeZone` and `locale` ("2026年12月7日 09:00"). */
export function formatInZone(
  locale: string,
  at: Date | string,
  timeZone: string,
  withTime = true,
): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    ...(withTime ? { timeStyle: "short" } : {}),
    timeZone,
  }).format(typeof at === "string" ? new Date(at) : at);
}
