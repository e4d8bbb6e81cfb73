import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatCompact, formatDay, formatNumber, plural } from "@/lib/format";
import { useMediaQuery } from "@/lib/use-media-query";
import { countAxis, dayLabelIndices } from "./chart-axes";

interface Point {
  date: string;
  count: number;
}

/** The hovered (or keyboard-selected) day and where its point sits, in px within the chart. */
interface Hover {
  idx: number;
  left: number;
  top: number;
  /** Near the right edge the tooltip opens to the left of the point. */
  flip: boolean;
}

interface Palette {
  line: string;
  fillTop: string;
  fillBottom: string;
  grid: string;
  text: string;
  ring: string;
  font: string;
}

// A canvas can't read CSS variables, so the theme's colours are resolved to rgb through a 1×1
// canvas (which also understands the oklch the theme is written in) and the chart is rebuilt
// when the colour scheme changes.
let probe: CanvasRenderingContext2D | null | undefined;
function themeColor(name: string, alpha = 1): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  probe ??= document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  if (!probe || !value) return value || "currentColor";
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = "#000";
  probe.fillStyle = value;
  probe.fillRect(0, 0, 1, 1);
  const [r = 0, g = 0, b = 0] = probe.getImageData(0, 0, 1, 1).data;
  return `rgb(${r} ${g} ${b} / ${alpha})`;
}

function readPalette(): Palette {
  return {
    line: themeColor("--chart-1"),
    fillTop: themeColor("--chart-1", 0.26),
    fillBottom: themeColor("--chart-1", 0),
    grid: themeColor("--chart-grid"),
    text: themeColor("--muted-foreground"),
    ring: themeColor("--card"),
    font: `11px ${getComputedStyle(document.body).fontFamily}`,
  };
}

function aligned(data: Point[]): uPlot.AlignedData {
  return [data.map((_, i) => i), data.map((d) => d.count)];
}

function chartOptions(
  size: { width: number; height: number },
  palette: Palette,
  dayLabel: (idx: number) => string,
  onCursor: (u: uPlot) => void,
): uPlot.Options {
  const axis = { stroke: palette.text, font: palette.font, ticks: { show: false }, border: { show: false } };
  return {
    ...size,
    // Room on the right for half of the newest day's label, which is centred on the last point.
    padding: [10, 22, 0, 0],
    legend: { show: false },
    scales: {
      x: { time: false, range: (u) => [0, Math.max(1, u.data[0].length - 1)] },
      y: { range: (_u, _min, max) => [0, countAxis(max).top] },
    },
    axes: [
      {
        ...axis,
        size: 30,
        gap: 10,
        grid: { show: false },
        splits: (u) => dayLabelIndices(u.data[0].length, u.bbox.width / uPlot.pxRatio),
        values: (_u, splits) => splits.map(dayLabel),
      },
      {
        ...axis,
        size: 40,
        gap: 8,
        grid: { stroke: palette.grid, width: 1, dash: [3, 3] },
        splits: (_u, _axis, _min, max) => countAxis(max).splits,
        values: (_u, splits) => splits.map((v) => formatCompact(v)),
      },
    ],
    series: [
      {},
      {
        label: "Sessions",
        stroke: palette.line,
        width: 2,
        fill: (u) => {
          const gradient = u.ctx.createLinearGradient(0, u.bbox.top, 0, u.bbox.top + u.bbox.height);
          gradient.addColorStop(0, palette.fillTop);
          gradient.addColorStop(1, palette.fillBottom);
          return gradient;
        },
        // Monotone: no overshoot below zero or above the day's count between points.
        paths: uPlot.paths.spline?.(),
        points: { show: false },
      },
    ],
    cursor: {
      y: false,
      drag: { x: false, y: false, setScale: false },
      points: { size: 9, width: 2, fill: palette.line, stroke: palette.ring },
      // The guide line snaps to the nearest day rather than following the pointer.
      move: (u, left, top) => (left < 0 ? [left, top] : [u.valToPos(u.posToIdx(left), "x"), top]),
    },
    hooks: { setCursor: [onCursor] },
  };
}

/** Sessions created per day: an area chart (uPlot, canvas) with a tooltip, arrow-key reading and a table for screen readers. */
export default function SessionsChart({ data }: { data: Point[] }) {
  const mountRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const dataRef = useRef(data);
  const [hover, setHover] = useState<Hover | null>(null);
  const [reading, setReading] = useState(false);
  const dark = useMediaQuery("(prefers-color-scheme: dark)");
  const captionId = useId();
  const hintId = useId();

  // Build the chart once per colour scheme; new data is fed in below without rebuilding.
  useEffect(() => {
    const el = mountRef.current;
    if (!el) return;
    const onCursor = (u: uPlot) => {
      const idx = u.cursor.idx;
      if (idx === null || idx === undefined || (u.cursor.left ?? -1) < 0) {
        setHover(null);
        return;
      }
      const left = u.over.offsetLeft + u.valToPos(idx, "x");
      const top = u.over.offsetTop + u.valToPos(u.data[1]?.[idx] ?? 0, "y");
      const flip = left > u.width * 0.62;
      setHover((prev) =>
        prev?.idx === idx && prev.left === left && prev.top === top ? prev : { idx, left, top, flip },
      );
    };
    const dayLabel = (idx: number) => {
      const day = dataRef.current[idx]?.date;
      return day ? formatDay(day) : "";
    };
    const plot = new uPlot(
      chartOptions({ width: el.clientWidth, height: el.clientHeight }, readPalette(), dayLabel, onCursor),
      aligned(dataRef.current),
      el,
    );
    plotRef.current = plot;
    const resize = new ResizeObserver(([entry]) => {
      if (!entry) return;
      plot.setSize({
        width: Math.floor(entry.contentRect.width),
        height: Math.floor(entry.contentRect.height),
      });
    });
    resize.observe(el);
    // Axis labels are drawn text: draw them again once the web font is in.
    void document.fonts?.ready.then(() => {
      if (plotRef.current === plot) plot.redraw(false, true);
    });
    return () => {
      resize.disconnect();
      plot.destroy();
      plotRef.current = null;
      setHover(null);
    };
  }, [dark]);

  useEffect(() => {
    dataRef.current = data;
    plotRef.current?.setData(aligned(data));
  }, [data]);

  function show(idx: number) {
    const plot = plotRef.current;
    if (!plot) return;
    plot.setCursor({ left: plot.valToPos(idx, "x"), top: plot.valToPos(data[idx]?.count ?? 0, "y") });
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (data.length === 0) return;
    const current = hover?.idx ?? data.length;
    const next =
      event.key === "ArrowLeft"
        ? current - 1
        : event.key === "ArrowRight"
          ? current + 1
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? data.length - 1
              : null;
    if (next === null) return;
    event.preventDefault();
    setReading(true);
    show(Math.min(data.length - 1, Math.max(0, next)));
  }

  const total = data.reduce((sum, d) => sum + d.count, 0);
  const peak = data.reduce<Point | undefined>(
    (best, d) => (!best || d.count > best.count ? d : best),
    undefined,
  );
  const point = hover ? data[hover.idx] : undefined;

  return (
    <figure className="relative h-full min-h-[260px] w-full" data-chart="sessions-per-day">
      <figcaption id={captionId} className="sr-only">
        Sessions created per day over the last {data.length} days: {formatNumber(total)} in total
        {peak && peak.count > 0 ? `, most on ${formatDay(peak.date)} (${formatNumber(peak.count)})` : ""}.
      </figcaption>
      <div
        role="group"
        aria-roledescription="chart"
        aria-labelledby={captionId}
        aria-describedby={hintId}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onBlur={() => {
          setReading(false);
          plotRef.current?.setCursor({ left: -10, top: -10 });
        }}
        onPointerMove={() => setReading(false)}
        className="absolute inset-0 rounded-md outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-4 focus-visible:ring-offset-card"
      >
        <div ref={mountRef} className="sessions-chart absolute inset-0" aria-hidden="true" />
        {hover && point && (
          <div
            aria-hidden="true"
            data-chart-tooltip=""
            className="pointer-events-none absolute z-10 rounded-lg border bg-popover px-3 py-2 text-xs whitespace-nowrap text-popover-foreground shadow-lg shadow-black/5"
            style={{
              left: hover.left,
              top: Math.max(28, hover.top),
              transform: `translate(${hover.flip ? "calc(-100% - 14px)" : "14px"}, -50%)`,
            }}
          >
            <div className="text-muted-foreground">{formatDay(point.date)}</div>
            <div className="mt-0.5 text-sm font-semibold tabular">{plural(point.count, "session")}</div>
          </div>
        )}
      </div>
      <p id={hintId} className="sr-only">
        Use the left and right arrow keys to read each day.
      </p>
      <p className="sr-only" aria-live="polite">
        {reading && point ? `${formatDay(point.date)}: ${plural(point.count, "session")}` : ""}
      </p>
      <table className="sr-only">
        <caption>Sessions created per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Sessions</th>
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.date}>
              <td>{formatDay(d.date)}</td>
              <td>{formatNumber(d.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
