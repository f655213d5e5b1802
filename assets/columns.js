/* The comparison as columns on a slide too short for 33 rows of names (a 1366x768 screen in a browser window
   leaves ~390 px of chart: 12 px a row, the names drawn over each other at the room's 16 px). The columns'
   names are angled under them, 33 across the slide's width, each at the slide's text size. Built in the
   browser from the figure the server sent (assets/charts.js keeps it and puts it back off the slide), so
   presenting still costs no request. */
(function () {
    "use strict";

    // A deep copy; typed arrays (Plotly's decoded numpy arrays) as plain arrays.
    function clone(value) {
        if (ArrayBuffer.isView(value)) { return Array.from(value); }
        if (Array.isArray(value)) { return value.map(clone); }
        if (value && typeof value === "object") {
            var out = {};
            Object.keys(value).forEach(function (k) { if (k.charAt(0) !== "_") { out[k] = clone(value[k]); } });
            return out;
        }
        return value;
    }

    // True when the rows the chart would give each borough are lower than its text: ``room`` the chart's height.
    function tooThin(layout, room, px) {
        var rows = ((layout.yaxis || {}).categoryarray || []).length;
        return rows > 0 && (room - px * 5) / rows < px;
    }

    function swapText(text) { return typeof text === "string" ? text.replace("▶", "▲") : text; }

    function trace(t) {
        var out = clone(t);
        out.x = clone(t.y); out.y = clone(t.x); out.orientation = "v";
        if (typeof out.hovertemplate === "string") { out.hovertemplate = out.hovertemplate.replace("%{y}", "%{x}"); }
        return out;
    }

    function annotation(a) {
        var out = clone(a);
        if (a.yref === "paper") {  // the London label beside its line: now above the line at the right
            Object.assign(out, {x: 0.99, xref: "paper", y: a.x, yref: "y", xanchor: "right", yanchor: "bottom"});
        } else {  // a clipped bar's value, written at the axis end: now at the top of its column
            Object.assign(out, {x: a.y, y: a.x, xanchor: "center", yanchor: "top", text: swapText(a.text)});
        }
        return out;
    }

    // The figure as columns, highest first from the left.
    // ``across``: the chart's width in px, ``px`` its text size: names at 45 degrees where the columns leave room
    // for them side by side, else upright (a half-width slide's 33 columns are ~17 px apart).
    function figure(fig, across, px) {
        var rows = ((fig.layout.yaxis || {}).categoryarray || []).length || 1;
        var angle = (across * 0.85 / rows) * Math.SQRT1_2 >= px * 1.15 ? -45 : -90;
        var layout = clone(fig.layout), y = layout.yaxis || {}, x = layout.xaxis || {};
        var rev = function (list) { return list ? clone(list).reverse() : list; };
        // Types and autorange given: a relayout of an axis merges into the old one, which Plotly typed itself.
        layout.xaxis = {type: "category", autorange: true, categoryorder: "array", categoryarray: rev(y.categoryarray), tickvals: rev(y.tickvals),
            ticktext: rev(y.ticktext), tickfont: y.tickfont, tickangle: angle, fixedrange: true, automargin: true};
        // No axis title: the chart title above says what the columns measure (it overlapped that title).
        layout.yaxis = {type: "linear", autorange: x.autorange !== false, title: {text: ""}, range: x.range, fixedrange: true, automargin: true, gridcolor: x.gridcolor};
        layout.shapes = (layout.shapes || []).map(function (s) {
            return Object.assign(clone(s), {x0: 0, x1: 1, xref: "paper", y0: s.x0, y1: s.x1, yref: "y"});
        });
        layout.annotations = (layout.annotations || []).map(annotation);
        layout.meta = Object.assign({}, layout.meta && typeof layout.meta === "object" ? layout.meta : {});
        delete layout.meta.evFit;  // charts.js fits the new drawing to the slide
        return {data: fig.data.map(trace), layout: layout};
    }

    // The server's figure as it was drawn: its arrays as plain ones (Plotly's decoded copies of numpy's bdata).
    function keep(gd) {
        return {layout: clone(gd.layout), data: gd.data.map(function (t, i) {
            var full = (gd._fullData || [])[i] || {};
            return Object.assign(clone(t), {x: clone(full.x || t.x), y: clone(full.y || t.y)});
        })};
    }

    // holder[key] made equal to ``value`` keeping its objects (dcc.Graph's copy of the layout shares them).
    function into(holder, key, value) {
        var old = holder[key];
        if (Array.isArray(old) && Array.isArray(value) && old.length === value.length) {
            value.forEach(function (v, i) { into(old, i, v); });
        } else if (old && typeof old === "object" && !Array.isArray(old) && value && typeof value === "object"
                   && !Array.isArray(value)) {
            Object.keys(old).forEach(function (k) { if (!(k in value)) { delete old[k]; } });
            Object.keys(value).forEach(function (k) { into(old, k, value[k]); });
        } else {
            holder[key] = clone(value);
        }
    }

    // Changed in place, then drawn again: dcc.Graph draws its figure again from these same objects whenever its
    // props change (a relayout's relayoutData), which undid a restyle or a Plotly.react with new ones.
    function apply(gd, fig) {
        gd.data.forEach(function (t, i) {
            var to = fig.data[i] || {};
            ["x", "y", "orientation", "hovertemplate"].forEach(function (k) { t[k] = clone(to[k]); });
        });
        ["xaxis", "yaxis", "shapes", "annotations", "meta"].forEach(function (k) { into(gd.layout, k, fig.layout[k]); });
        window.Plotly.react(gd, gd.data, gd.layout);
        // Plotly.react finds no change in objects changed in place: the layout's are given again as new ones.
        window.Plotly.relayout(gd, {xaxis: clone(fig.layout.xaxis), yaxis: clone(fig.layout.yaxis),
            shapes: clone(fig.layout.shapes || []), annotations: clone(fig.layout.annotations || [])});
    }

    window.evcolumns = {tooThin: tooThin, figure: figure, keep: keep, apply: apply};
}());
