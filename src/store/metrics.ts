import type { RedisClient } from '../redis.ts';
import type { Keys } from './keys.ts';

// Counters and histograms the workers observe, kept in Redis and read when /metrics is scraped.
// Why Redis: the observing processes (workers scaled with --scale worker=N, ROLE=worker) serve
// no HTTP, and prom-client's registry is per process. Redis is already the one shared state,
// so every process adds to the same totals and any process serving /metrics reports them all,
// with no Pushgateway and no per-process scrape targets to discover. Cost: one pipelined
// HINCRBY (histograms: three commands) per observation, in one HASH under the bot's hash tag.

export const COUNTERS = {
  newsbot_telegram_429_total: { help: 'Telegram 429 answers (Too Many Requests)', labels: ['op'] },
  newsbot_job_retries_total: {
    help: 'Jobs retried (failed attempts and delayed re-sends)',
    labels: ['queue'],
  },
  newsbot_fallbacks_total: {
    help: 'Send fallbacks: photo_to_text, html_to_plain',
    labels: ['kind'],
  },
  newsbot_duplicates_dropped_total: { help: 'Articles dropped as duplicates', labels: ['reason'] },
  newsbot_polls_total: { help: 'Source polls by result', labels: ['source', 'result'] },
  newsbot_alerts_sent_total: { help: 'Alert DMs sent to followers', labels: [] },
} as const satisfies Record<string, { help: string; labels: readonly string[] }>;

/** Upper bounds (seconds) of the histogram buckets; +Inf is added. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

export const HISTOGRAMS = {
  newsbot_enqueue_to_post_seconds: {
    help: 'From an article entering the queue to its channel post',
    labels: [],
    buckets: LATENCY_BUCKETS,
  },
  newsbot_send_seconds: {
    help: 'One Telegram send call (post or alert), by kind',
    labels: ['kind'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  },
} as const satisfies Record<string, { help: string; labels: readonly string[]; buckets: number[] }>;

export type CounterName = keyof typeof COUNTERS;
export type HistogramName = keyof typeof HISTOGRAMS;
type Labels = Record<string, string>;

const labelText = (labels: Labels) => {
  const parts = Object.keys(labels)
    .sort()
    .map(
      (k) =>
        `${k}="${String(labels[k]).replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`,
    );
  return parts.join(',');
};

// Fields of the one HASH: `c|name|labels`, `b|name|labels|le` (non-cumulative bucket counts,
// summed at render time so an observation is one increment), `s|name|labels`, `n|name|labels`.
const SEP = '\u0001';

export function createMetricsStore({ redis, keys }: { redis: RedisClient; keys: Keys }) {
  // Under the bot's hash tag, beside BullMQ's keys; a queue named "metrics" would not clash
  // (BullMQ's keys are `{tag}:<queue>:…`, this one is `{tag}:ops:metrics`).
  const key = `${keys.bull}:ops:metrics`;
  // Metrics never fail a job: a lost increment is better than a retried send.
  const quietly = (p: Promise<unknown>) => {
    p.catch(() => {});
  };

  return {
    key,
    inc(name: CounterName, labels: Labels = {}, by = 1): void {
      quietly(redis.hincrby(key, ['c', name, labelText(labels)].join(SEP), by));
    },

    observe(name: HistogramName, seconds: number, labels: Labels = {}): void {
      if (!Number.isFinite(seconds) || seconds < 0) return;
      const l = labelText(labels);
      const le = HISTOGRAMS[name].buckets.find((b) => seconds <= b);
      quietly(
        redis
          .multi()
          .hincrby(key, ['b', name, l, le === undefined ? '+Inf' : String(le)].join(SEP), 1)
          .hincrbyfloat(key, ['s', name, l].join(SEP), seconds)
          .hincrby(key, ['n', name, l].join(SEP), 1)
          .exec(),
      );
    },

    /** Prometheus text exposition of every counter and histogram, as Redis has them now. */
    async render(): Promise<string> {
      const all = await redis.hgetall(key);
      const counters = new Map<string, [string, number][]>();
      const hist = new Map<string, Map<string, { b: Map<string, number>; s: number; n: number }>>();
      for (const [field, value] of Object.entries(all)) {
        const [kind, name = '', labels = '', le = ''] = field.split(SEP);
        if (kind === 'c') {
          const rows = counters.get(name) ?? [];
          rows.push([labels, Number(value)]);
          counters.set(name, rows);
          continue;
        }
        const byLabels = hist.get(name) ?? new Map();
        hist.set(name, byLabels);
        const h = byLabels.get(labels) ?? { b: new Map<string, number>(), s: 0, n: 0 };
        byLabels.set(labels, h);
        if (kind === 'b') h.b.set(le, Number(value));
        else if (kind === 's') h.s = Number(value);
        else if (kind === 'n') h.n = Number(value);
      }
      const out: string[] = [];
      const braces = (l: string) => (l ? `{${l}}` : '');
      for (const [name, spec] of Object.entries(COUNTERS)) {
        out.push(`# HELP ${name} ${spec.help}`, `# TYPE ${name} counter`);
        const rows = counters.get(name) ?? [];
        // A counter without labels is shown at 0 before its first increment.
        if (rows.length === 0 && spec.labels.length === 0) out.push(`${name} 0`);
        for (const [l, v] of rows.sort()) out.push(`${name}${braces(l)} ${v}`);
      }
      for (const [name, spec] of Object.entries(HISTOGRAMS)) {
        out.push(`# HELP ${name} ${spec.help}`, `# TYPE ${name} histogram`);
        const byLabels = hist.get(name) ?? new Map();
        if (byLabels.size === 0 && spec.labels.length === 0) {
          byLabels.set('', { b: new Map(), s: 0, n: 0 });
        }
        for (const [l, h] of [...byLabels.entries()].sort()) {
          let cumulative = 0;
          for (const le of [...spec.buckets.map(String), '+Inf']) {
            cumulative += h.b.get(le) ?? 0;
            const withLe = l ? `${l},le="${le}"` : `le="${le}"`;
            out.push(`${name}_bucket{${withLe}} ${cumulative}`);
          }
          out.push(`${name}_sum${braces(l)} ${h.s}`, `${name}_count${braces(l)} ${h.n}`);
        }
      }
      return `${out.join('\n')}\n`;
    },
  };
}

export type MetricsStore = ReturnType<typeof createMetricsStore>;
