// Live status (issue 15): gates that keep the status callbacks off plain state changes (issue 19). The map's
// changes only when the map mode does; the panel's carries the state only while its <details> is open.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    evlive: {
        mapGate: function (state, current) {
            var mode = (state && state.map) || "bands";
            if ((current ? current.map : "bands") === mode) { return window.dash_clientside.no_update; }
            return {map: mode};
        },
        panelGate: function (state, open, current) {
            if (!open || !state || (current && JSON.stringify(current) === JSON.stringify(state))) {
                return window.dash_clientside.no_update;
            }
            return state;
        }
    }
});

// Each officer list is built only when its <details> opens (callbacks/live.py live_list): report its "open" (Dash's
// html.Details does not; its id is a pattern-matching one, given to set_props as the object).
document.addEventListener("toggle", function (event) {
    var el = event.target;
    if (el && el.tagName === "DETAILS" && el.classList.contains("live-list") && el.id) {
        window.dash_clientside.set_props(JSON.parse(el.id), {open: el.open});
    }
}, true);
