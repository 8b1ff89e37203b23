using System.Globalization;
using System.Text;
using System.Text.Json;
using DistSim.Network;

namespace DistSim.Tracing;

/// <summary>
/// Writes a trace as one self-contained HTML page: a space-time diagram with a lane per node, an arrow per delivered
/// packet from its send to its delivery, dropped packets, duplicates, crashes, restarts, pauses, partitions and
/// Byzantine deviations marked; zoom (wheel or buttons), pan (drag), filters by node and by message type, and details of
/// a clicked event. Script, style and data are inline: the page needs no network. See <c>docs/concepts/trace.md</c>.
/// </summary>
/// <remarks>
/// The page reads options from its URL fragment as well, so that a link (or a test) can open a view:
/// <c>#select=INDEX</c> (show the event with that trace index), <c>hide=NODE,NODE</c>, <c>hidetypes=TYPE,TYPE</c>,
/// <c>window=FROM,TO</c> (seconds), joined by <c>&amp;</c>.
/// </remarks>
internal static class HtmlViewExporter
{
    /// <summary>The most arrows, drops and marks drawn at once; the status line says how many more a zoom would show.</summary>
    public const int DrawCap = 5000;

    public static void Write(Trace trace, TextWriter writer, string? title)
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            string heading = title ?? $"DistSim trace, seed {trace.Seed}";
            writer.Write(Head.Replace("%TITLE%", Html(heading), StringComparison.Ordinal));
            writer.Write("<script id=\"distsim-data\" type=\"application/json\">");
            WriteData(trace, heading, writer);
            writer.Write("</script>\n<script>\n");
            writer.Write(Script.Replace("%CAP%", DrawCap.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            writer.Write("</script>\n</body>\n</html>\n");
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    private static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);

    /// <summary>
    /// The data the script draws: the nodes, every recorded event as a row, and indices into the rows for arrows
    /// (origin, arrival, whether the origin is a duplication; arrivals are deliveries, suppressed duplicates, rejections
    /// and stale discards), drops (origin or -1, drop) and marks. The default encoder escapes <c>&lt;</c>,
    /// <c>&gt;</c> and <c>&amp;</c>, so no payload can close the script element.
    /// </summary>
    private static void WriteData(Trace trace, string heading, TextWriter writer)
    {
        IReadOnlyList<TraceEvent> events = trace.Events;
        int[] origins = PacketOrigins.Compute(events);
        var nodes = new SortedSet<int>();
        foreach (TraceEvent e in events)
        {
            nodes.Add(e.Node.Value);
            if (e.Peer is { } p)
            {
                nodes.Add(p.Value);
            }
        }

        // Streamed into the page a few thousand rows at a time: memory stays bounded by the events the trace already holds.
        using var stream = new TextWriterStream(writer);
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("title", heading);
            json.WriteNumber("seed", trace.Seed);
            json.WriteString("fingerprint", trace.FingerprintHex);
            json.WriteNumber("events", trace.Count);
            json.WriteBoolean("truncated", trace.IsTruncated);
            json.WriteStartArray("nodes");
            foreach (int n in nodes)
            {
                json.WriteStartArray();
                json.WriteNumberValue(n);
                json.WriteStringValue(trace.NodeName(new Nodes.NodeId(n)));
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("ev");
            for (int k = 0; k < events.Count; k++)
            {
                WriteRow(json, events[k]);
                if (k % 4096 == 4095)
                {
                    json.Flush();
                }
            }

            json.WriteEndArray();
            json.WriteStartArray("arrows");
            for (int k = 0; k < events.Count; k++)
            {
                TraceEvent e = events[k];
                if (origins[k] >= 0 && e.Kind is TraceEventKind.Deliver or TraceEventKind.DuplicateSuppressed or TraceEventKind.Rejected or TraceEventKind.Stale)
                {
                    json.WriteStartArray();
                    json.WriteNumberValue(origins[k]);
                    json.WriteNumberValue(k);
                    json.WriteNumberValue(events[origins[k]].Kind == TraceEventKind.Duplicate ? 1 : 0);
                    json.WriteEndArray();
                }
            }

            json.WriteEndArray();
            json.WriteStartArray("drops");
            for (int k = 0; k < events.Count; k++)
            {
                if (events[k].Kind == TraceEventKind.Drop)
                {
                    json.WriteStartArray();
                    json.WriteNumberValue(origins[k]);
                    json.WriteNumberValue(k);
                    json.WriteEndArray();
                }
            }

            json.WriteEndArray();
            json.WriteStartArray("marks");
            for (int k = 0; k < events.Count; k++)
            {
                if (IsMark(events[k].Kind))
                {
                    json.WriteNumberValue(k);
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

    }

    /// <summary>A write-only stream that decodes UTF-8 into a <see cref="TextWriter"/> (a multi-byte character may straddle two writes).</summary>
    private sealed class TextWriterStream(TextWriter writer) : Stream
    {
        private readonly Decoder _decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        private char[] _chars = new char[4096];

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int needed = _decoder.GetCharCount(buffer, flush: false);
            if (needed > _chars.Length)
            {
                _chars = new char[Math.Max(needed, _chars.Length * 2)];
            }

            int written = _decoder.GetChars(buffer, _chars, flush: false);
            writer.Write(_chars, 0, written);
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>The events drawn as marks on a lane (or across all lanes: partitions and heals).</summary>
    internal static bool IsMark(TraceEventKind kind) => kind is TraceEventKind.Crash or TraceEventKind.Restart or TraceEventKind.Pause
        or TraceEventKind.Resume or TraceEventKind.Partition or TraceEventKind.Heal or TraceEventKind.Byzantine or TraceEventKind.TornWrite
        or TraceEventKind.NodeFaulted or TraceEventKind.ClockStep or TraceEventKind.Tampered or TraceEventKind.Forged or TraceEventKind.Replayed
        or TraceEventKind.Rejected or TraceEventKind.Abandoned or TraceEventKind.Duplicate;

    /// <summary>One event: [index, seconds, kind, node, peer or -1, message, packet, cause, type, payload, mark].</summary>
    private static void WriteRow(Utf8JsonWriter json, TraceEvent e)
    {
        json.WriteStartArray();
        json.WriteNumberValue(e.Index);
        json.WriteNumberValue(e.Time.TotalSeconds);
        json.WriteStringValue(JsonLinesExporter.KindName(e.Kind));
        json.WriteNumberValue(e.Node.Value);
        json.WriteNumberValue(e.Peer is { } p ? p.Value : -1);
        json.WriteNumberValue(e.MessageId);
        json.WriteNumberValue(e.PacketId);
        json.WriteStringValue(e.Cause == DropCause.None ? string.Empty : JsonLinesExporter.CauseName(e.Cause));
        switch (e.Payload)
        {
            case Exception ex:
                json.WriteStringValue(ex.GetType().Name);
                json.WriteStringValue(ex.Message);
                break;
            case { } payload:
                json.WriteStringValue(payload.GetType().Name);
                json.WriteStringValue(payload.ToString());
                break;
            default:
                json.WriteStringValue(string.Empty);
                json.WriteStringValue(string.Empty);
                break;
        }

        json.WriteStringValue(e.Mark == PacketMark.None ? string.Empty : JsonLinesExporter.MarkName(e.Mark));
        json.WriteEndArray();
    }

    private const string Head = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>%TITLE%</title>
        <style>
        body { font: 13px system-ui, sans-serif; margin: 0; color: #222; }
        header { padding: 8px 12px; background: #f4f4f6; border-bottom: 1px solid #ddd; }
        header h1 { font-size: 16px; margin: 0 0 4px 0; }
        #controls { display: flex; flex-wrap: wrap; gap: 16px; padding: 6px 12px; border-bottom: 1px solid #eee; }
        #controls fieldset { border: 1px solid #ddd; padding: 2px 8px; margin: 0; }
        #controls label { margin-right: 8px; white-space: nowrap; }
        #status { padding: 4px 12px; color: #555; }
        #view { display: block; width: 100%; cursor: grab; user-select: none; }
        #details { margin: 0; padding: 8px 12px; background: #fafafa; border-top: 1px solid #ddd; min-height: 3em; white-space: pre-wrap; }
        .lane line { stroke: #999; stroke-width: 1; }
        .lane text { font-size: 12px; fill: #222; }
        .axis text { font-size: 10px; fill: #666; }
        .axis line { stroke: #eee; }
        .arrow { stroke: #2b6cb0; stroke-width: 1.2; marker-end: url(#head); }
        .arrow.dup { stroke: #805ad5; stroke-dasharray: 5 2; }
        .arrow.duplicate-suppressed, .arrow.stale { stroke: #a0aec0; stroke-dasharray: 2 2; }
        .arrow.rejected { stroke: #b83280; stroke-dasharray: 2 2; }
        .arrow.tampered, .arrow.forged, .arrow.replayed { stroke: #c53030; stroke-width: 2; }
        .drop { stroke: #dd6b20; stroke-width: 1.2; stroke-dasharray: 3 3; }
        .drop-x { fill: #dd6b20; font-weight: bold; font-size: 13px; }
        .mark path { fill: none; stroke-width: 2; stroke: #4a5568; }
        .mark.crash path, .mark.node-faulted path { stroke: #c53030; }
        .mark.restart path, .mark.resume path { stroke: #2f855a; }
        .mark.resume path { fill: #2f855a; }
        .mark.pause path, .mark.clock-step path, .mark.torn-write path { stroke: #975a16; }
        .mark.byzantine path, .mark.tampered path, .mark.forged path, .mark.replayed path, .mark.rejected path { stroke: #b83280; }
        .mark.byzantine path { fill: #fbb6ce; }
        .mark.duplicate path, .mark.abandoned path { stroke: #805ad5; }
        .mark.partition line { stroke: #c53030; stroke-dasharray: 6 3; }
        .mark.heal line { stroke: #2f855a; stroke-dasharray: 6 3; }
        .down { fill: #fed7d7; opacity: 0.6; }
        .cut { fill: #fefcbf; opacity: 0.5; }
        .selected { stroke: #000 !important; stroke-width: 3 !important; }
        g.selected path { stroke: #000 !important; }
        [data-event] { cursor: pointer; }
        </style>
        </head>
        <body>
        <header><h1>%TITLE%</h1><div id="summary"></div></header>
        <div id="controls">
        <fieldset id="zoom"><legend>View</legend><button id="zoom-in" type="button">Zoom in</button> <button id="zoom-out" type="button">Zoom out</button> <button id="fit" type="button">Fit</button></fieldset>
        <fieldset id="node-filter"><legend>Nodes</legend></fieldset>
        <fieldset id="type-filter"><legend>Message types</legend></fieldset>
        </div>
        <div id="status"></div>
        <svg id="view" xmlns="http://www.w3.org/2000/svg" height="200"><defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#2b6cb0"></path></marker></defs><g id="layer"></g></svg>
        <pre id="details">Click an arrow or a mark to see its events.</pre>

        """;

    private const string Script = """
        (() => {
        'use strict';
        const D = JSON.parse(document.getElementById('distsim-data').textContent);
        const E = D.ev; // [index, seconds, kind, node, peer, message, packet, cause, type, payload, mark]
        const NS = 'http://www.w3.org/2000/svg';
        const svg = document.getElementById('view'), layer = document.getElementById('layer');
        const CAP = %CAP%, LEFT = 130, RIGHT = 24, TOP = 28, LANE = 46;
        const nodeName = new Map(D.nodes.map(([id, name]) => [id, name]));
        const hiddenNodes = new Set(), hiddenTypes = new Set();
        const byIndex = new Map(E.map((e, k) => [e[0], k]));
        let lo = Infinity, hi = -Infinity;
        for (const e of E) { lo = Math.min(lo, e[1]); hi = Math.max(hi, e[1]); }
        if (!isFinite(lo)) { lo = 0; hi = 1; }
        if (hi - lo < 1e-6) { hi = lo + 1e-3; }
        const pad = (hi - lo) * 0.02;
        const full = [lo - pad, hi + pad];
        let t0 = full[0], t1 = full[1], selected = null;

        function el(name, attrs, parent) {
          const n = document.createElementNS(NS, name);
          for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
          (parent || layer).appendChild(n);
          return n;
        }
        function typeOf(k) { return E[k][8] || '(none)'; }
        function describe(k) {
          const e = E[k];
          let s = '#' + e[0] + '  ' + e[1].toFixed(7) + ' s  ' + e[2] + '  ' + nodeName.get(e[3]);
          if (e[4] >= 0) s += (e[2] === 'deliver' ? ' <- ' : ' -> ') + nodeName.get(e[4]);
          if (e[5]) s += '  message ' + e[5];
          if (e[6]) s += '  packet ' + e[6];
          if (e[7]) s += '  cause ' + e[7];
          if (e[10]) s += '  [' + e[10] + ']';
          if (e[8]) s += '\n    ' + e[8] + ': ' + e[9];
          return s;
        }
        function niceStep(span) {
          const raw = span / 8, p = Math.pow(10, Math.floor(Math.log10(raw)));
          for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
          return 10 * p;
        }

        function render() {
          layer.textContent = '';
          const width = Math.max(400, svg.clientWidth || 1200);
          const lanes = D.nodes.filter(([id, name]) => !hiddenNodes.has(name));
          const y = new Map(lanes.map(([id], r) => [id, TOP + r * LANE + LANE / 2]));
          const height = TOP + lanes.length * LANE + 10;
          svg.setAttribute('height', height);
          svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
          const x = t => LEFT + (t - t0) / (t1 - t0) * (width - LEFT - RIGHT);
          const inView = t => t >= t0 && t <= t1;
          const axis = el('g', { class: 'axis' });
          const step = niceStep(t1 - t0), digits = Math.min(12, Math.max(0, -Math.floor(Math.log10(step))));
          const first = Math.ceil(t0 / step);
          for (let i = 0; i <= 20; i++) { // a nice step puts 8 to 16 ticks in the window; the bound makes sure it ends
            const t = (first + i) * step;
            if (t > t1) break;
            el('line', { x1: x(t), x2: x(t), y1: TOP - 6, y2: height }, axis);
            el('text', { x: x(t), y: TOP - 10, 'text-anchor': 'middle' }, axis).textContent = t.toFixed(digits) + ' s';
          }
          // Down time (crash to restart) per lane, and partitions (partition to heal) across all lanes.
          const downSince = new Map();
          let cutSince = null;
          const shade = (cls, a, b, top, h) => {
            const xa = Math.max(LEFT, x(Math.max(a, t0))), xb = Math.min(width - RIGHT, x(Math.min(b, t1)));
            if (xb > xa) el('rect', { class: cls, x: xa, y: top, width: xb - xa, height: h });
          };
          for (const k of D.marks) {
            const e = E[k];
            if (e[2] === 'crash') downSince.set(e[3], e[1]);
            else if (e[2] === 'restart' && downSince.has(e[3])) {
              if (y.has(e[3])) shade('down', downSince.get(e[3]), e[1], y.get(e[3]) - LANE / 2 + 4, LANE - 8);
              downSince.delete(e[3]);
            } else if (e[2] === 'partition' && cutSince === null) cutSince = e[1];
            else if (e[2] === 'heal' && cutSince !== null) { shade('cut', cutSince, e[1], TOP, height - TOP); cutSince = null; }
          }
          for (const [n, since] of downSince) if (y.has(n)) shade('down', since, hi + pad, y.get(n) - LANE / 2 + 4, LANE - 8);
          if (cutSince !== null) shade('cut', cutSince, hi + pad, TOP, height - TOP);
          for (const [id, name] of lanes) {
            const g = el('g', { class: 'lane', 'data-node': name });
            el('line', { x1: LEFT, x2: width - RIGHT, y1: y.get(id), y2: y.get(id) }, g);
            el('text', { x: 8, y: y.get(id) + 4 }, g).textContent = name;
          }
          let drawn = 0, more = 0;
          const room = () => { if (drawn < CAP) { drawn++; return true; } more++; return false; };
          let arrows = 0, drops = 0, marks = 0;
          for (const [s, d, dup] of D.arrows) {
            const S = E[s], R = E[d];
            if (!y.has(S[3]) || !y.has(R[3]) || hiddenTypes.has(typeOf(d))) continue;
            if (R[1] < t0 || S[1] > t1 || !room()) continue;
            const cls = 'arrow' + (R[2] === 'deliver' ? '' : ' ' + R[2]) + (dup ? ' dup' : '') + (R[10] ? ' ' + R[10].split('+').join(' ') : '');
            el('line', { class: cls, x1: x(S[1]), y1: y.get(S[3]), x2: x(R[1]), y2: y.get(R[3]), 'data-event': R[0], 'data-from': S[0] });
            arrows++;
          }
          for (const [s, d] of D.drops) {
            const X = E[d], from = s >= 0 ? E[s] : X;
            if (!y.has(X[3]) || hiddenTypes.has(typeOf(d))) continue;
            if (X[1] < t0 || from[1] > t1 || !room()) continue;
            const ya = y.get(X[3]), yb = X[4] >= 0 && y.has(X[4]) ? (ya + y.get(X[4])) / 2 : ya - LANE / 3;
            const g = el('g', { class: 'drop-mark', 'data-event': X[0] });
            el('line', { class: 'drop', x1: x(from[1]), y1: ya, x2: x(X[1]), y2: yb }, g);
            el('text', { class: 'drop-x', x: x(X[1]) - 4, y: yb + 4 }, g).textContent = '\u00d7';
            drops++;
          }
          // Marks are drawn as shapes (no font needed): a cross for a crash, a circle for a restart, bars for a pause, ...
          const shapes = {
            crash: 'M -5 -5 L 5 5 M 5 -5 L -5 5', 'node-faulted': 'M 0 -6 L 0 2 M 0 4 L 0 6',
            restart: 'M 5 0 A 5 5 0 1 1 0 -5', resume: 'M -4 -5 L 5 0 L -4 5 Z', pause: 'M -3 -5 L -3 5 M 3 -5 L 3 5',
            byzantine: 'M 0 -6 L 6 0 L 0 6 L -6 0 Z', tampered: 'M 0 -6 L 6 0 L 0 6 L -6 0 Z', forged: 'M 0 -6 L 6 0 L 0 6 L -6 0 Z',
            replayed: 'M 0 -6 L 6 0 L 0 6 L -6 0 Z', rejected: 'M -5 -5 L 5 5 M -5 0 A 5 5 0 1 1 -5 0.1',
            'torn-write': 'M -5 5 L 0 -5 L 5 5', 'clock-step': 'M -5 0 A 5 5 0 1 1 -5 0.1 M 0 0 L 0 -4 M 0 0 L 3 0',
            abandoned: 'M -5 -5 L 5 5', duplicate: 'M -5 -3 L 1 -3 L 1 3 L -5 3 Z M -1 -6 L 5 -6 L 5 0',
          };
          for (const k of D.marks) {
            const e = E[k];
            if (!inView(e[1])) continue;
            if (e[2] === 'partition' || e[2] === 'heal') {
              if (!room()) continue;
              const g = el('g', { class: 'mark ' + e[2], 'data-event': e[0] });
              el('line', { x1: x(e[1]), x2: x(e[1]), y1: TOP - 4, y2: height }, g);
              el('title', {}, g).textContent = e[2] + ' at ' + e[1].toFixed(7) + ' s' + (e[9] ? ': ' + e[9] : '');
              marks++;
              continue;
            }
            if (!y.has(e[3]) || !room()) continue;
            const g = el('g', { class: 'mark ' + e[2], 'data-event': e[0], transform: 'translate(' + x(e[1]) + ',' + (y.get(e[3]) - 10) + ')' });
            el('path', { d: shapes[e[2]] || 'M -4 0 A 4 4 0 1 1 -4 0.1' }, g);
            el('title', {}, g).textContent = e[2] + ' at ' + e[1].toFixed(7) + ' s' + (e[9] ? ': ' + e[9] : '');
            marks++;
          }
          if (selected !== null) for (const n of layer.querySelectorAll('[data-event="' + selected + '"]')) n.classList.add('selected');
          const status = document.getElementById('status');
          status.textContent = 'showing ' + t0.toFixed(6) + ' s to ' + t1.toFixed(6) + ' s: ' + arrows + ' arrows, ' + drops + ' drops, ' + marks + ' marks'
            + (more ? '; ' + more + ' more in this window (zoom in to see them)' : '');
          status.dataset.from = t0; status.dataset.to = t1;
          status.dataset.arrows = arrows; status.dataset.drops = drops; status.dataset.marks = marks; status.dataset.more = more;
        }

        function select(index) {
          selected = index;
          const k = byIndex.get(index);
          const details = document.getElementById('details');
          if (k === undefined) { details.textContent = 'No event #' + index + ' in this trace.'; render(); return; }
          const arrow = D.arrows.find(a => a[1] === k), drop = D.drops.find(a => a[1] === k);
          const parts = [];
          if (arrow) parts.push(describe(arrow[0]));
          else if (drop && drop[0] >= 0) parts.push(describe(drop[0]));
          parts.push(describe(k));
          details.textContent = parts.join('\n');
          details.dataset.event = index;
          render();
        }

        // The narrowest view: ten ticks (1 us). Narrower, steps of the axis would vanish in floating point.
        const MIN_SPAN = 1e-6;
        function setWindow(a, b) {
          if (!(b - a >= MIN_SPAN)) { const m = (a + b) / 2; a = m - MIN_SPAN / 2; b = m + MIN_SPAN / 2; }
          t0 = a; t1 = b;
        }
        function zoom(factor, at) {
          const m = at === undefined ? (t0 + t1) / 2 : at;
          setWindow(m - (m - t0) * factor, m + (t1 - m) * factor);
          render();
        }
        function timeAt(clientX) {
          const r = svg.getBoundingClientRect(), width = Math.max(400, svg.clientWidth || 1200);
          return t0 + (clientX - r.left - LEFT) / (width - LEFT - RIGHT) * (t1 - t0);
        }

        function checkbox(parent, label, hidden) {
          const l = document.createElement('label');
          const c = document.createElement('input');
          c.type = 'checkbox'; c.checked = !hidden.has(label); c.value = label;
          c.addEventListener('change', () => { if (c.checked) hidden.delete(label); else hidden.add(label); render(); });
          l.appendChild(c); l.appendChild(document.createTextNode(' ' + label));
          parent.appendChild(l);
        }

        const params = new URLSearchParams(location.hash.slice(1));
        for (const n of (params.get('hide') || '').split(',').filter(Boolean)) hiddenNodes.add(n);
        for (const t of (params.get('hidetypes') || '').split(',').filter(Boolean)) hiddenTypes.add(t);
        const w = (params.get('window') || '').split(',').map(Number);
        if (w.length === 2 && w.every(isFinite) && w[1] > w[0]) setWindow(w[0], w[1]);

        const types = [...new Set([...D.arrows.map(a => typeOf(a[1])), ...D.drops.map(a => typeOf(a[1]))])].sort();
        for (const [, name] of D.nodes) checkbox(document.getElementById('node-filter'), name, hiddenNodes);
        for (const t of types) checkbox(document.getElementById('type-filter'), t, hiddenTypes);
        document.getElementById('summary').textContent = 'seed ' + D.seed + ', fingerprint ' + D.fingerprint + ', ' + D.events + ' events'
          + (D.truncated ? ' (trace truncated: ' + E.length + ' recorded)' : '') + ', ' + D.nodes.length + ' nodes, '
          + D.arrows.length + ' deliveries, ' + D.drops.length + ' drops';
        document.getElementById('zoom-in').addEventListener('click', () => zoom(0.5));
        document.getElementById('zoom-out').addEventListener('click', () => zoom(2));
        document.getElementById('fit').addEventListener('click', () => { t0 = full[0]; t1 = full[1]; render(); });
        svg.addEventListener('wheel', ev => { ev.preventDefault(); zoom(Math.exp(ev.deltaY * 0.002), timeAt(ev.clientX)); }, { passive: false });
        let drag = null;
        svg.addEventListener('mousedown', ev => { drag = { x: ev.clientX, t0, t1, moved: false }; });
        window.addEventListener('mousemove', ev => {
          if (!drag) return;
          const width = Math.max(400, svg.clientWidth || 1200), dt = (ev.clientX - drag.x) / (width - LEFT - RIGHT) * (drag.t1 - drag.t0);
          if (Math.abs(ev.clientX - drag.x) > 2) drag.moved = true;
          t0 = drag.t0 - dt; t1 = drag.t1 - dt; render();
        });
        window.addEventListener('mouseup', () => { setTimeout(() => { drag = null; }, 0); });
        svg.addEventListener('click', ev => {
          if (drag && drag.moved) return;
          const target = ev.target.closest('[data-event]');
          if (target) select(Number(target.getAttribute('data-event')));
        });
        window.addEventListener('resize', render);
        render();
        if (params.has('select')) select(Number(params.get('select')));
        document.body.dataset.ready = 'true';
        })();

        """;
}
