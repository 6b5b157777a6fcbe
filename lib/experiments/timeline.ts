/**
 * The daily series of an experiment: cumulative users and conversion rate per arm by day (for
 * the results chart), and the recent traffic that estimates the days left. Days are
 * `YYYY-MM-DD` (UTC) strings; `today` is passed in, never read from a clock.
 */

export interface DailyArm {
  day: string;
  variant: string;
  users: number;
  conversions: number;
}

export interface Timeline {
  days: string[];
  series: { name: string; users: number[]; rates: (number | null)[] }[];
}

/** Cumulative users and rates per variant on every day that has data (in variant order). */
export function cumulativeTimeline(
  daily: readonly DailyArm[],
  variants: readonly string[],
): Timeline {
  const days = [...new Set(daily.map((d) => d.day))].sort();
  const series = variants.map((name) => {
    let users = 0, conversions = 0;
    const cumUsers: number[] = [], rates: (number | null)[] = [];
    for (const day of days) {
      for (const d of daily) {
        if (d.day === day && d.variant === name) {
          users += d.users;
          conversions += d.conversions;
        }
      }
      cumUsers.push(users);
      rates.push(users > 0 ? conversions / users : null);
    }
    return { name, users: cumUsers, rates };
  });
  return { days, series };
}

function dayNumber(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
}

/**
 * Mean new users a day (all arms) over the last `window` days up to `today`, counting only days
 * since `firstDay` (the start); null when the experiment has no such day yet.
 */
export function recentDailyUsers(
  daily: readonly DailyArm[],
  options: { today: string; firstDay: string | null; window?: number },
): number | null {
  const { today, firstDay, window = 7 } = options;
  const end = dayNumber(today);
  const start = Math.max(end - window + 1, firstDay ? dayNumber(firstDay) : end - window + 1);
  const spanDays = end - start + 1;
  if (spanDays <= 0) return null;
  const users = daily.filter((d) => dayNumber(d.day) >= start && dayNumber(d.day) <= end)
    .reduce((s, d) => s + d.users, 0);
  return users / spanDays;
}
