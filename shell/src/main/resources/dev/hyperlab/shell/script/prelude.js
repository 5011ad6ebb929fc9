// The script side of the binding (the Java side is Bridge.java). Evaluated once per script context, as an internal
// source (its frames stay out of error locations and its statements out of the statement limit). It gives scripts:
//   lab, args            the lab (an object with the facade's methods) and the script's arguments
//   LabError             what a facade refusal is thrown as: message, kind, what, hint
//   exit(code)           ends the script with that status
//   Sizes, Durations     the parsers and formatters the commands use ("4GiB", "1m30s")
// and makes the language deterministic: Math.random is seeded from the lab's seed, and the clock (Date, console.time)
// is the lab's clock, never the wall clock.
(function (bridge) {
    'use strict';
    const call = bridge.call;
    const errorInfo = bridge.errorInfo;
    const labMillis = bridge.nowMillis;
    const parseJson = JSON.parse; // the builtin, whatever a script later assigns to JSON.parse
    const HANDLE = Symbol('facade');
    const MEMBERS = Symbol('members');
    const OWN = Symbol('own members');
    const prototypes = new Map();

    class LabError extends Error {
        constructor(info) {
            super(info.message);
            this.name = 'LabError';
            this.kind = info.kind;
            this.what = info.what;
            this.hint = info.hint;
        }
    }

    // a refusal of the facade (a Java LabException) as a LabError; anything else as it was
    function refusal(e) {
        const info = errorInfo(e);
        return info === null ? e : new LabError(info);
    }

    // a facade result as plain JavaScript values: data comes as JSON text (JsonText.java), parsed in one builtin
    // call; a result with handles in it comes as proxies, copied here. Indexed loops, not for...of: the interpreter
    // runs an iterator's protocol per element (issue 15)
    function toJs(v) {
        if (v === null || typeof v !== 'object') {
            return v;
        }
        if (Array.isArray(v)) {
            const n = v.length;
            const a = [];
            for (let i = 0; i < n; i++) {
                a.push(toJs(v[i]));
            }
            return a;
        }
        const type = v.__facade;
        if (type !== undefined) {
            return handle(v, type);
        }
        const json = v.__json;
        if (json !== undefined) {
            return parseJson(json);
        }
        const o = {};
        const keys = Object.keys(v);
        for (let i = 0; i < keys.length; i++) {
            const k = keys[i];
            o[k] = toJs(v[k]);
        }
        return o;
    }

    // an argument with the handles in it (a VM, an array of VMs, a spec naming a host) as the bridge knows them
    function toJava(v) {
        if (v === null || typeof v !== 'object') {
            return v;
        }
        const h = v[HANDLE];
        if (h !== undefined) {
            return h;
        }
        let copy = null;
        if (Array.isArray(v)) {
            for (let i = 0; i < v.length; i++) {
                const x = toJava(v[i]);
                if (x !== v[i]) {
                    copy = copy || v.slice();
                    copy[i] = x;
                }
            }
        } else {
            const keys = Object.keys(v);
            for (let i = 0; i < keys.length; i++) {
                const k = keys[i];
                const x = toJava(v[k]);
                if (x !== v[k]) {
                    copy = copy || Object.assign({}, v);
                    copy[k] = x;
                }
            }
        }
        return copy || v;
    }

    function invoke(h, name, args) {
        for (let i = 0; i < args.length; i++) {
            args[i] = toJava(args[i]);
        }
        let r;
        try {
            r = call(h, name, ...args);
        } catch (e) {
            throw refusal(e);
        }
        return toJs(r);
    }

    // one prototype per facade type, with a method per facade method: vm.start(), host.memory(), lab.fork()
    function prototypeOf(type) {
        let p = prototypes.get(type);
        if (p === undefined) {
            p = {};
            const names = bridge.methods(type);
            const voids = new Set(bridge.voids(type));
            // each handle's own members, copied from this template by one Object.assign: plain data properties
            // (writable, enumerable, configurable), as Object.create with a descriptor per member made them, without
            // reading and checking a descriptor per member per handle (a defineProperty per member per handle was
            // most of a short script's interpreted calls; a descriptor per member was still a tenth of a 100,000-VM
            // storm's script thread, issue 15)
            const own = {};
            for (const name of names) {
                const f = voids.has(name)
                    ? function (...args) { invoke(this[HANDLE], name, args); }
                    : function (...args) { return invoke(this[HANDLE], name, args); };
                Object.defineProperty(p, name, { value: f, writable: true, configurable: true });
                own[name] = f;
            }
            Object.defineProperty(p, OWN, { value: own });
            const named = names.includes('name');
            const label = type.toLowerCase();
            Object.defineProperty(p, 'toString', {
                value: function () { return named ? label + ' ' + this.name() : label; }
            });
            // JSON.stringify(lab.vms()) gives the names, as a command's JSON names machines
            Object.defineProperty(p, 'toJSON', {
                value: function () { return named ? this.name() : label; }
            });
            Object.defineProperty(p, Symbol.toStringTag, { value: type });
            Object.defineProperty(p, MEMBERS, { value: Object.freeze(names.slice()) });
            prototypes.set(type, p);
        }
        return p;
    }

    // the methods are the handle's own enumerable members too, so Object.keys(vm) and for...in list them
    function handle(h, type) {
        const p = prototypeOf(type);
        const o = Object.assign(Object.create(p), p[OWN]);
        Object.defineProperty(o, HANDLE, { value: h });
        return o;
    }

    const g = globalThis;
    function define(name, value) {
        Object.defineProperty(g, name, { value: value, writable: true, configurable: true, enumerable: false });
    }
    function guarded(f) {
        return function (...a) {
            try {
                return f(...a);
            } catch (e) {
                throw refusal(e);
            }
        };
    }

    define('LabError', LabError);
    define('exit', function exit(code) {
        guarded(bridge.exit)(code);
    });
    define('Sizes', Object.freeze({ parse: guarded(bridge.parseSize), format: guarded(bridge.formatSize) }));
    define('Durations', Object.freeze({
        parse: guarded(bridge.parseDuration), format: guarded(bridge.formatDuration)
    }));

    // Math.random: xoshiro128** seeded from the lab's seed; same lab, same script, same numbers
    const seed = bridge.seed();
    let s0 = seed[0] | 0, s1 = seed[1] | 0, s2 = seed[2] | 0, s3 = seed[3] | 0;
    const rotl = (x, k) => (x << k) | (x >>> (32 - k));
    Math.random = function random() {
        const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = rotl(s3, 11);
        return (r >>> 0) / 4294967296;
    };

    // the clock is the lab's: Date.now() is lab time in milliseconds since the lab began (shown as the Unix epoch)
    const RealDate = Date;
    function LabDate(...a) {
        if (new.target === undefined) {
            return new RealDate(labMillis()).toString();
        }
        return Reflect.construct(RealDate, a.length === 0 ? [labMillis()] : a, new.target);
    }
    Object.setPrototypeOf(LabDate, RealDate);
    LabDate.prototype = RealDate.prototype;
    Object.defineProperty(LabDate, 'now', { value: function now() { return labMillis(); }, writable: true });
    Object.defineProperty(RealDate.prototype, 'constructor', { value: LabDate, writable: true, configurable: true });
    define('Date', LabDate);

    // print and console.log show objects and arrays as Node does ({ name: 'web1', vcpus: 2 }), not [object Object]
    function inspect(v, depth, seen) {
        if (typeof v === 'string') {
            return depth === 0 ? v : "'" + v.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
        }
        if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
            return String(v);
        }
        if (typeof v === 'function') {
            return '[Function ' + (v.name || '(anonymous)') + ']';
        }
        if (v[HANDLE] !== undefined) {
            // what it is and what it can do: vm web1 { createSnapshot(), delete(), info(), ... }
            return layout(String(v) + ' ', '{', '}', Object.getPrototypeOf(v)[MEMBERS].map((n) => n + '()'), depth);
        }
        if (v instanceof Error || v instanceof RealDate) {
            return v instanceof RealDate ? v.toISOString() : (v.stack || String(v));
        }
        if (seen.includes(v)) {
            return '[Circular]';
        }
        if (depth > 4) {
            return Array.isArray(v) ? '[Array]' : '[Object]';
        }
        seen.push(v);
        const parts = Array.isArray(v)
            ? v.map((x) => inspect(x, depth + 1, seen))
            : Object.keys(v).map((k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : "'" + k + "'") + ': '
                + inspect(v[k], depth + 1, seen));
        seen.pop();
        return Array.isArray(v) ? layout('', '[', ']', parts, depth) : layout('', '{', '}', parts, depth);
    }
    // parts on one line when short, else one a line
    function layout(head, open, close, parts, depth) {
        if (parts.length === 0) {
            return head + open + close;
        }
        const flat = head + open + ' ' + parts.join(', ') + ' ' + close;
        if (flat.length <= 72 && !flat.includes('\n')) {
            return flat;
        }
        const pad = '  '.repeat(depth + 1);
        return head + open + '\n' + pad + parts.join(',\n' + pad) + '\n' + '  '.repeat(depth) + close;
    }
    const line = (a) => a.map((x) => inspect(x, 0, [])).join(" ");
    const rawPrint = print;
    const rawError = console.error;
    define('print', function print(...a) { rawPrint(line(a)); });
    console.log = function log(...a) { rawPrint(line(a)); };
    console.info = console.log;
    console.debug = console.log;
    console.error = function error(...a) { rawError(line(a)); };
    console.warn = console.error;

    // console.time and friends measure lab time too
    const timers = new Map();
    console.time = function time(label = 'default') {
        timers.set(String(label), labMillis());
    };
    const elapsed = (label) => {
        const start = timers.get(String(label));
        return start === undefined ? null : String(label) + ': ' + (labMillis() - start) + 'ms (lab time)';
    };
    console.timeLog = function timeLog(label = 'default', ...rest) {
        const e = elapsed(label);
        console.log(e === null ? "no timer '" + label + "'" : e, ...rest);
    };
    console.timeEnd = function timeEnd(label = 'default') {
        const e = elapsed(label);
        console.log(e === null ? "no timer '" + label + "'" : e);
        timers.delete(String(label));
    };

    return {
        // gives the script its lab and arguments (again before each `js` line, so a dry run can swap the lab)
        bind: function (labHandle, argv) {
            define('lab', handle(labHandle, labHandle.__facade));
            define('args', toJs(argv));
        },
        // the value of a `js` line as the REPL prints it; null for undefined (nothing to print)
        show: function (v) {
            if (v === undefined) {
                return null;
            }
            if (typeof v === 'string') {
                return v;
            }
            if (typeof v === 'object' && v !== null && v[HANDLE] !== undefined) {
                return inspect(v, 0, []);
            }
            if (typeof v === 'object' && v !== null) {
                try {
                    const json = JSON.stringify(v, null, 2);
                    if (json !== undefined) {
                        return json;
                    }
                } catch (e) {
                    // a cycle, a BigInt: the plain form below
                }
            }
            return String(v);
        }
    };
})
