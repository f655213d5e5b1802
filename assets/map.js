/* Map functions for dash-leaflet, referenced from Python through Namespace("evmap", "map").
   dash-leaflet passes a context (holding the layer's hideout) as the last argument. */
(function () {
    "use strict";
    var SELECTED = "#D55E00";

    function ctx(args) {
        return args[args.length - 1] || {};
    }

    function classOf(value, breaks) {
        // Quintile class 0..4: how many of the four inner cuts the value exceeds.
        var k = 0;
        for (var i = 1; i < 5; i++) {
            if (value > breaks[i]) { k = i; }
        }
        return k;
    }

    window.evmap = Object.assign({}, window.evmap, {
        map: {
            pointToLayer: function (feature, latlng) {
                var h = ctx(arguments).hideout || {};
                var colour = (h.colours || [])[feature.properties.b] || "#666666";
                if (h.live && h.live.s !== undefined) {
                    // Live now (issue 15): one digit per point, in the order of the points held (index i).
                    var k = h.live.s.charCodeAt(feature.properties.i) - 48;
                    colour = h.live.colours[k >= 0 && k < h.live.colours.length ? k : h.live.unknown];
                }
                return L.circleMarker(latlng, {
                    radius: 7, fillColor: colour, color: "#ffffff", weight: 1.5, fillOpacity: 0.95
                });
            },
            clusterToLayer: function (feature, latlng, index) {
                var n = feature.properties.point_count;
                var h = ctx(arguments).hideout || {};
                // Small enough that neighbouring clusters do not overlap at London zoom (radius 110 px apart).
                var size = Math.round(26 + Math.min(14, 5 * Math.log10(n)));
                var title = n + " devices", ring = "", cls = "marker-cluster ev-cluster";
                if (h.live && h.live.s !== undefined && index && index.getLeaves) {
                    // Live now (issue 15): a ring of each status's share of the cluster's points, so London's
                    // zoom already shows where charge points are in use or not working.
                    var counts = h.live.colours.map(function () { return 0; });
                    index.getLeaves(feature.properties.cluster_id, Infinity).forEach(function (leaf) {
                        var k = h.live.s.charCodeAt(leaf.properties.i) - 48;
                        counts[k >= 0 && k < counts.length ? k : h.live.unknown] += 1;
                    });
                    var stops = [], at = 0;
                    counts.forEach(function (c, k) {
                        if (!c) { return; }
                        var to = at + 100 * c / n;
                        stops.push(h.live.colours[k] + " " + at.toFixed(1) + "% " + to.toFixed(1) + "%");
                        at = to;
                    });
                    ring = ' style="background: conic-gradient(' + stops.join(", ") + ')"';
                    title += ": " + counts.map(function (c, k) { return c + " " + (h.live.labels || [])[k]; })
                        .join(", ");
                    cls += " live";
                    size += 8;
                }
                var icon = L.divIcon({
                    html: "<div" + ring + "><span>" + feature.properties.point_count_abbreviated + "</span></div>",
                    className: cls, iconSize: L.point(size, size)
                });
                return L.marker(latlng, {icon: icon, title: title, alt: title});
            },
            boroughStyle: function (feature) {
                var h = ctx(arguments).hideout || {};
                var code = feature.properties.g;
                var value = (h.vals || {})[code];
                var breaks = h.breaks || [];
                var fill = "#dddddd", opacity = 0.12;
                if (value !== undefined && value !== null && breaks.length === 6) {
                    fill = (h.colours || [])[classOf(value, breaks)];
                    opacity = 0.55;
                }
                var selected = (h.sel || []).indexOf(code) >= 0;
                return {
                    fillColor: fill, fillOpacity: opacity, color: selected ? SELECTED : "#555555",
                    weight: selected ? 5 : 1, opacity: 1
                };
            },
            boroughTooltip: function (feature, layer) {
                var h = ctx(arguments).hideout || {};
                var text = (h.text || {})[feature.properties.g] || "<b>" + feature.properties.n + "</b>";
                layer.bindTooltip(text, {sticky: true, className: "borough-tip"});
            }
        }
    });

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        evmap: {
            // dash-leaflet reports the map's centre again on every click, and Leaflet's pixel-snapped centre is
            // never exactly the one it was given: forward a move only when it is at least a pixel, so that a
            // click on a borough sends no view request (issue 19). Compared with the view when one is set, else
            // with the map's first position (``last``: the link's default view).
            moved: function (center, zoom, view, last) {
                if (!center || zoom === undefined || zoom === null) { return window.dash_clientside.no_update; }
                var lat = Array.isArray(center) ? center[0] : center.lat;
                var lon = Array.isArray(center) ? center[1] : (center.lng !== undefined ? center.lng : center.lon);
                var px = 360 / (256 * Math.pow(2, zoom));  // degrees of longitude per pixel at this zoom
                var near = function (was) {
                    return was && Math.abs(was.zoom - zoom) < 0.01 && Math.abs(lon - was.lon) < px &&
                        Math.abs(lat - was.lat) < px * Math.cos(lat * Math.PI / 180);
                };
                var was = view && view.zoom !== undefined ? view : last;
                return near(was) ? window.dash_clientside.no_update : {lat: lat, lon: lon, zoom: zoom};
            },
            /* Points and boroughs, or boroughs only: a class on the panel hides the points' panes. */
            mapLayers: function (value) {
                return "panel map-panel" + (value === "boroughs" ? " boroughs-only" : "");
            },
            /* Build the points layer from the columnar points the browser holds, keeping only the chosen
               bands, location types and operators (none chosen = all operators) that are in service at the
               period's end. Rebuilding the data rebuilds the cluster index, so cluster counts always equal
               the points shown. */
            filterPoints: function (bands, operators, locations, endDate, points, hideout) {
                var empty = {type: "FeatureCollection", features: []};
                if (!points || !points.id || !hideout) { return [empty, ""]; }
                function codes(values, table) {
                    var set = {};
                    (values || []).forEach(function (v) { set[table.indexOf(v)] = true; });
                    return set;
                }
                var bandSet = codes(bands, hideout.bands);
                var locSet = codes(locations, hideout.locs);
                var opSet = operators && operators.length ? codes(operators, hideout.ops) : null;
                // In service at the end of the period: installed by then and not yet removed.
                var end = endDate ? Math.floor(Date.parse(endDate.slice(0, 10)) / 86400000) : Infinity;
                var features = [];
                for (var i = 0; i < points.id.length; i++) {
                    if (!bandSet[points.b[i]] || !locSet[points.l[i]] || (opSet && !opSet[points.o[i]])) { continue; }
                    if (points.t[i] > end || (points.x[i] && points.x[i] <= end)) { continue; }
                    features.push({
                        type: "Feature",
                        geometry: {type: "Point", coordinates: [points.lon[i], points.lat[i]]},
                        properties: {d: points.id[i], b: points.b[i], i: i}
                    });
                }
                var fmt = function (n) { return n.toLocaleString("en-GB"); };
                return [{type: "FeatureCollection", features: features},
                        fmt(features.length) + " of " + fmt(points.id.length) + " devices shown"];
            }
        }
    });
}());

/* Leaflet measures its box on a window resize only: a slide (presentation mode) shrinks the map's box after it
   was drawn for the page, and Leaflet kept the old height (526 px for 432 shown at 1366x768 in a browser window),
   its centre below the middle of what is shown, so the south of London was cut off. A ResizeObserver tells it. */
(function () {
    "use strict";
    if (!window.L || !L.Map || !L.Map.addInitHook || !window.ResizeObserver) { return; }
    L.Map.addInitHook(function () {
        var map = this, pending = false;
        new ResizeObserver(function () {
            if (pending) { return; }
            pending = true;
            window.requestAnimationFrame(function () { pending = false; map.invalidateSize({pan: true}); });
        }).observe(map.getContainer());
    });
}());
