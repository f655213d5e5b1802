// Issue 17's panels (tracker, where next, peers) read only the boroughs and their own three keys: the
// CONTEXT store carries just those, and changes only when one of them does, so a band, date or metric
// change sends those panels no request (issue 19: at most six requests per interaction).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    evcontext: {
        pick: function (state, current) {
            if (!state) { return window.dash_clientside.no_update; }
            var next = {boroughs: state.boroughs, track: state.track, basis: state.basis, events: state.events};
            if (current && JSON.stringify(current) === JSON.stringify(next)) {
                return window.dash_clientside.no_update;
            }
            return next;
        }
    }
});
