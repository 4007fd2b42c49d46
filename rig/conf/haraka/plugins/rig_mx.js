// fixture rig: every domain's "MX" is the scripted server on loopback
exports.hook_get_mx = function (next, hmail, domain) {
    next(OK, { exchange: '127.0.0.1', port: parseInt(process.env.RIG_SINK_PORT || '2826', 10), priority: 0 })
}
