/**
 * The event stream of the ingestion benchmark, the same for the API and for the COPY
 * reference: customer `U<i>` gets an exposure, and every fifth one also a conversion worth 10.
 */
export interface BenchEvent {
  id: string;
  type: "exposure" | "conversion";
  unit: string;
  value?: number;
}

export function benchEvents(prefix: string, count: number): BenchEvent[] {
  const events: BenchEvent[] = [];
  for (let u = 0; events.length < count; u++) {
    events.push({ id: `${prefix}x${u}`, type: "exposure", unit: `${prefix}U${u}` });
    if (u % 5 === 0 && events.length < count) {
      events.push({ id: `${prefix}c${u}`, type: "conversion", unit: `${prefix}U${u}`, value: 10 });
    }
  }
  return events;
}
