/** The bench's result rows, the printed table and the JSON file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetKind } from './lib/proc.ts';

export interface Mode {
  quick: boolean;
  stepMs: number;
  bisections: number;
  maxSteps: number;
}

export interface Figure {
  value: number;
  unit: string;
  /** Second figure of the cell (bytes of a cold open, memory after idle…). */
  extra?: string;
  cpu?: { generator: number; server: number };
  generatorSaturated?: boolean;
  detail?: Record<string, any>;
}

export interface Row {
  id: string;
  workload: string;
  target: string;
  /** Higher is better (rates) or lower is better (latency, memory, bytes). */
  better: 'higher' | 'lower';
  values: Partial<Record<TargetKind, Figure>>;
  note?: string;
}

const fmt = (f: Figure | undefined) => (f ? `${f.value}${f.unit.startsWith('msg') ? '' : ''} ${f.unit}${f.extra ? `, ${f.extra}` : ''}` : '—');
const cpu = (f: Figure | undefined) =>
  f?.cpu ? `${Math.round(f.cpu.generator * 100)}/${Math.round(f.cpu.server * 100)}%${f.generatorSaturated ? ' GEN-SAT' : ''}` : '';

function ratio(row: Row, a: TargetKind, b: TargetKind): string {
  const x = row.values[a]?.value;
  const y = row.values[b]?.value;
  if (!x || !y) return '—';
  return `${(x / y).toFixed(2)}×`;
}

export function printTable(rows: Row[]): string {
  const head = ['#', 'workload', 'stock', 'raw relay', 'Parley', 'P/stock', 'P/relay', 'target', 'cpu gen/srv: stock | relay | Parley'];
  const body = rows.map((r) => [
    r.id,
    r.workload,
    fmt(r.values.stock),
    fmt(r.values.relay),
    fmt(r.values.parley),
    ratio(r, 'parley', 'stock'),
    ratio(r, 'parley', 'relay'),
    r.target,
    [cpu(r.values.stock), cpu(r.values.relay), cpu(r.values.parley)].map((c) => c || '—').join(' | '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const text = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.id}: ${r.note}`);
  return text + (notes.length ? `\nnotes:\n${notes.join('\n')}` : '') + '\n(cpu: share of one core, generator/server, over the reported step; GEN-SAT: the generator was saturated)';
}

export function writeResults(rows: Row[], mode: Mode, extra: Record<string, unknown>): string {
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${mode.quick ? 'quick' : 'full'}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ mode, rows, ...extra }, null, 2));
  writeFileSync(join(dir, `latest-${mode.quick ? 'quick' : 'full'}.json`), JSON.stringify({ mode, rows, ...extra }, null, 2));
  return file;
}
