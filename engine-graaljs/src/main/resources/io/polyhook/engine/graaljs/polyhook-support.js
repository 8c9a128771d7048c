// Runs once per context, before the script, as an internal source: not counted by the statement
// limit, not shown as the script's position. Returns the helpers JsState uses. Arguments: the
// global object; whether the sandbox is on; the longest array the built-ins below work on (0: no
// bound); what to call when the globals a call added are too many to delete (JsState then
// replaces the context).
(function (g, sandboxed, maxArrayLength, stale) {
  'use strict';
  const names = Object.getOwnPropertyNames, describe = Object.getOwnPropertyDescriptor,
        define = Object.defineProperty, hasOwn = Object.hasOwn, is = Object.is, create = Object.create,
        apply = Reflect.apply, RangeErrorType = RangeError;
  if (sandboxed) {
    const hidden = ['Java', 'Packages', 'java', 'javax', 'com', 'org', 'edu', 'javafx', 'Graal', 'Polyglot', 'load',
                    'loadWithNewGlobal', 'quit', 'exit', 'read', 'readbuffer', 'readline', 'SharedArrayBuffer', 'Atomics'];
    for (let i = 0; i < hidden.length; i++) {
      try { delete g[hidden[i]]; } catch (e) { }
    }
  }
  if (maxArrayLength > 0) {
    // The array built-ins loop in Java over `length` without looking at interrupts: on an
    // array-like {length: 2 ** 53 - 1} they would run for days past any deadline. Longer
    // arrays are refused; and a sort without a comparator gets one written here, so that a
    // long sort calls guest code, which stops when interrupted.
    const tooLong = (name, o) => new RangeErrorType('Array.prototype.' + name + ': length ' + o.length
        + ' is over the sandbox limit of ' + maxArrayLength);
    const proto = g.Array.prototype;
    const compare = (x, y) => { const a = `${x}`, b = `${y}`; return a < b ? -1 : (b < a ? 1 : 0); };
    const looping = ['concat', 'copyWithin', 'every', 'fill', 'filter', 'find', 'findIndex', 'findLast',
                     'findLastIndex', 'flat', 'flatMap', 'forEach', 'includes', 'indexOf', 'join', 'lastIndexOf',
                     'map', 'reduce', 'reduceRight', 'reverse', 'shift', 'slice', 'some', 'sort', 'splice',
                     'toLocaleString', 'toReversed', 'toSorted', 'toSpliced', 'toString', 'unshift', 'with'];
    for (let m = 0; m < looping.length; m++) {
      const name = looping[m], original = proto[name];
      if (typeof original !== 'function') continue;
      const sorts = name === 'sort' || name === 'toSorted';
      const bounded = {
        [name](...args) {
          if (this !== null && this !== undefined && this.length > maxArrayLength) throw tooLong(name, this);
          if (name === 'concat') {
            for (let i = 0; i < args.length; i++) {
              const a = args[i];
              if (a !== null && typeof a === 'object' && a.length > maxArrayLength) throw tooLong(name, a);
            }
          }
          if (sorts && args[0] === undefined) args[0] = compare;
          return apply(original, this, args);
        }
      }[name];
      define(bounded, 'length', { value: original.length });
      define(proto, name, { value: bounded, writable: true, enumerable: false, configurable: true });
    }
    const from = g.Array.from;
    define(g.Array, 'from', { value: {
      from(items, ...rest) {
        if (items !== null && items !== undefined && items.length > maxArrayLength) throw tooLong('from', items);
        return apply(from, this, [items, ...rest]);
      } }.from, writable: true, enumerable: false, configurable: true });
  }

  // keep_state = false. Names of the global object before the script ran (built-ins), and after
  // the load: the script's own globals (tracked, with their descriptors) and all names. (Index
  // loops, not for-of, here and below: code that runs only at load should not become hot enough
  // to be queued for compilation ahead of the hooks.)
  const builtins = create(null), before = names(g);
  for (let i = 0; i < before.length; i++) builtins[before[i]] = true;
  const MAX_ADDED = 64;
  let tracked = [], descs = [], saved = create(null), count = 0, first, last, check = null, changed = false;
  const remember = () => { const k = names(g); count = k.length; first = k[0]; last = k[count - 1]; };
  const fix = i => { try { define(g, tracked[i], descs[i]); } catch (e) { } changed = true; return true; };
  const checkAll = () => {
    for (let i = 0; i < tracked.length; i++) {
      const n = tracked[i], d = descs[i];
      if (hasOwn(d, 'value')) {
        (hasOwn(g, n) && is(g[n], d.value)) || fix(i);
      } else {
        const c = describe(g, n);
        (c !== undefined && c.get === d.get && c.set === d.set) || fix(i);
      }
    }
  };
  return {
    // After the load: records the script's globals; returns their names and kinds (JsState
    // compiles a check of exactly these: 0 value, 1 undefined value, 2 NaN, 3 accessor).
    snapshot() {
      tracked = []; descs = []; saved = create(null);
      const now = names(g);
      for (let i = 0; i < now.length; i++) {
        const n = now[i];
        saved[n] = true;
        if (builtins[n] !== true) { tracked[tracked.length] = n; descs[descs.length] = describe(g, n); }
      }
      remember();
      check = checkAll;
      const kinds = [];
      for (let i = 0; i < descs.length; i++) {
        const d = descs[i];
        kinds[i] = !hasOwn(d, 'value') ? 3 : d.value === undefined ? 1 : d.value !== d.value ? 2 : 0;
      }
      return { names: tracked.slice(), kinds };
    },
    // Installs the compiled check: (g, descs, fix, hasOwn, is, describe) => void.
    install(compiled) { check = () => compiled(g, descs, fix, hasOwn, is, describe); },
    // After every call: deletes the globals it added (when there are more than MAX_ADDED, deletes
    // none and asks for a new context instead) and gives the script's own globals their
    // load-time value back. Bounded: O(names + script globals). getOwnPropertyNames copies the
    // names from the object's shape; Object.keys would also look each one up for its flags.
    restore() {
      try {
        const k = names(g);
        if (k.length !== count || k[0] !== first || k[k.length - 1] !== last) {
          let added = 0;
          for (let i = 0; i < k.length; i++) if (saved[k[i]] !== true) added++;
          if (added > MAX_ADDED) { stale(added); return; }
          for (let i = 0; i < k.length; i++) if (saved[k[i]] !== true) { try { delete g[k[i]]; } catch (e) { } }
          changed = true;
        }
        check();
        if (changed) { changed = false; remember(); }
      } catch (e) {
        stale(-1);
      }
    },
    noRestore() { }
  };
})
