// Tandem node.script client. Built by `npm run build:device` from max-device/src/client/; do not edit.
"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __defProps = Object.defineProperties;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropDescs = Object.getOwnPropertyDescriptors;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getOwnPropSymbols = Object.getOwnPropertySymbols;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __propIsEnum = Object.prototype.propertyIsEnumerable;
var __defNormalProp = (obj, key, value) => key in obj ? __defProp(obj, key, { enumerable: true, configurable: true, writable: true, value }) : obj[key] = value;
var __spreadValues = (a, b) => {
  for (var prop in b || (b = {}))
    if (__hasOwnProp.call(b, prop))
      __defNormalProp(a, prop, b[prop]);
  if (__getOwnPropSymbols)
    for (var prop of __getOwnPropSymbols(b)) {
      if (__propIsEnum.call(b, prop))
        __defNormalProp(a, prop, b[prop]);
    }
  return a;
};
var __spreadProps = (a, b) => __defProps(a, __getOwnPropDescs(b));
var __objRest = (source, exclude) => {
  var target = {};
  for (var prop in source)
    if (__hasOwnProp.call(source, prop) && exclude.indexOf(prop) < 0)
      target[prop] = source[prop];
  if (source != null && __getOwnPropSymbols)
    for (var prop of __getOwnPropSymbols(source)) {
      if (exclude.indexOf(prop) < 0 && __propIsEnum.call(source, prop))
        target[prop] = source[prop];
    }
  return target;
};
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);
var __publicField = (obj, key, value) => __defNormalProp(obj, typeof key !== "symbol" ? key + "" : key, value);

// max-device/src/client/ws-stub.ts
var ws_stub_exports = {};
__export(ws_stub_exports, {
  default: () => ws_stub_default
});
var ws_stub_default;
var init_ws_stub = __esm({
  "max-device/src/client/ws-stub.ts"() {
    "use strict";
    ws_stub_default = {};
  }
});

// node_modules/osc-js/lib/osc.js
var require_osc = __commonJS({
  "node_modules/osc-js/lib/osc.js"(exports2, module2) {
    (function(global2, factory) {
      typeof exports2 === "object" && typeof module2 !== "undefined" ? module2.exports = factory(require("dgram"), (init_ws_stub(), __toCommonJS(ws_stub_exports))) : typeof define === "function" && define.amd ? define(["dgram", "ws"], factory) : (global2 = typeof globalThis !== "undefined" ? globalThis : global2 || self, global2.OSC = factory(global2.dgram, global2.ws));
    })(exports2, (function(dgram, WebSocket) {
      "use strict";
      function _interopDefaultLegacy(e) {
        return e && typeof e === "object" && "default" in e ? e : { "default": e };
      }
      var dgram__default = /* @__PURE__ */ _interopDefaultLegacy(dgram);
      var WebSocket__default = /* @__PURE__ */ _interopDefaultLegacy(WebSocket);
      function _callSuper(t, o, e) {
        return o = _getPrototypeOf(o), _possibleConstructorReturn(t, _isNativeReflectConstruct() ? Reflect.construct(o, e || [], _getPrototypeOf(t).constructor) : o.apply(t, e));
      }
      function _isNativeReflectConstruct() {
        try {
          var t = !Boolean.prototype.valueOf.call(Reflect.construct(Boolean, [], function() {
          }));
        } catch (t2) {
        }
        return (_isNativeReflectConstruct = function() {
          return !!t;
        })();
      }
      function ownKeys(e, r) {
        var t = Object.keys(e);
        if (Object.getOwnPropertySymbols) {
          var o = Object.getOwnPropertySymbols(e);
          r && (o = o.filter(function(r2) {
            return Object.getOwnPropertyDescriptor(e, r2).enumerable;
          })), t.push.apply(t, o);
        }
        return t;
      }
      function _objectSpread2(e) {
        for (var r = 1; r < arguments.length; r++) {
          var t = null != arguments[r] ? arguments[r] : {};
          r % 2 ? ownKeys(Object(t), true).forEach(function(r2) {
            _defineProperty(e, r2, t[r2]);
          }) : Object.getOwnPropertyDescriptors ? Object.defineProperties(e, Object.getOwnPropertyDescriptors(t)) : ownKeys(Object(t)).forEach(function(r2) {
            Object.defineProperty(e, r2, Object.getOwnPropertyDescriptor(t, r2));
          });
        }
        return e;
      }
      function _toPrimitive(t, r) {
        if ("object" != typeof t || !t) return t;
        var e = t[Symbol.toPrimitive];
        if (void 0 !== e) {
          var i = e.call(t, r || "default");
          if ("object" != typeof i) return i;
          throw new TypeError("@@toPrimitive must return a primitive value.");
        }
        return ("string" === r ? String : Number)(t);
      }
      function _toPropertyKey(t) {
        var i = _toPrimitive(t, "string");
        return "symbol" == typeof i ? i : i + "";
      }
      function _classCallCheck(instance, Constructor) {
        if (!(instance instanceof Constructor)) {
          throw new TypeError("Cannot call a class as a function");
        }
      }
      function _defineProperties(target, props) {
        for (var i = 0; i < props.length; i++) {
          var descriptor = props[i];
          descriptor.enumerable = descriptor.enumerable || false;
          descriptor.configurable = true;
          if ("value" in descriptor) descriptor.writable = true;
          Object.defineProperty(target, _toPropertyKey(descriptor.key), descriptor);
        }
      }
      function _createClass(Constructor, protoProps, staticProps) {
        if (protoProps) _defineProperties(Constructor.prototype, protoProps);
        if (staticProps) _defineProperties(Constructor, staticProps);
        Object.defineProperty(Constructor, "prototype", {
          writable: false
        });
        return Constructor;
      }
      function _defineProperty(obj, key, value) {
        key = _toPropertyKey(key);
        if (key in obj) {
          Object.defineProperty(obj, key, {
            value,
            enumerable: true,
            configurable: true,
            writable: true
          });
        } else {
          obj[key] = value;
        }
        return obj;
      }
      function _inherits(subClass, superClass) {
        if (typeof superClass !== "function" && superClass !== null) {
          throw new TypeError("Super expression must either be null or a function");
        }
        subClass.prototype = Object.create(superClass && superClass.prototype, {
          constructor: {
            value: subClass,
            writable: true,
            configurable: true
          }
        });
        Object.defineProperty(subClass, "prototype", {
          writable: false
        });
        if (superClass) _setPrototypeOf(subClass, superClass);
      }
      function _getPrototypeOf(o) {
        _getPrototypeOf = Object.setPrototypeOf ? Object.getPrototypeOf.bind() : function _getPrototypeOf2(o2) {
          return o2.__proto__ || Object.getPrototypeOf(o2);
        };
        return _getPrototypeOf(o);
      }
      function _setPrototypeOf(o, p) {
        _setPrototypeOf = Object.setPrototypeOf ? Object.setPrototypeOf.bind() : function _setPrototypeOf2(o2, p2) {
          o2.__proto__ = p2;
          return o2;
        };
        return _setPrototypeOf(o, p);
      }
      function _assertThisInitialized(self2) {
        if (self2 === void 0) {
          throw new ReferenceError("this hasn't been initialised - super() hasn't been called");
        }
        return self2;
      }
      function _possibleConstructorReturn(self2, call) {
        if (call && (typeof call === "object" || typeof call === "function")) {
          return call;
        } else if (call !== void 0) {
          throw new TypeError("Derived constructors may only return object or undefined");
        }
        return _assertThisInitialized(self2);
      }
      function _superPropBase(object, property) {
        while (!Object.prototype.hasOwnProperty.call(object, property)) {
          object = _getPrototypeOf(object);
          if (object === null) break;
        }
        return object;
      }
      function _get() {
        if (typeof Reflect !== "undefined" && Reflect.get) {
          _get = Reflect.get.bind();
        } else {
          _get = function _get2(target, property, receiver) {
            var base = _superPropBase(target, property);
            if (!base) return;
            var desc = Object.getOwnPropertyDescriptor(base, property);
            if (desc.get) {
              return desc.get.call(arguments.length < 3 ? target : receiver);
            }
            return desc.value;
          };
        }
        return _get.apply(this, arguments);
      }
      function isInt(n) {
        return Number(n) === n && n % 1 === 0;
      }
      function isFloat(n) {
        return Number(n) === n && n % 1 !== 0;
      }
      function isNumber(n) {
        return Number(n) === n;
      }
      function isString(n) {
        return typeof n === "string";
      }
      function isBoolean(n) {
        return typeof n === "boolean";
      }
      function isInfinity(n) {
        return n === Infinity;
      }
      function isArray(n) {
        return Object.prototype.toString.call(n) === "[object Array]";
      }
      function isObject(n) {
        return Object.prototype.toString.call(n) === "[object Object]";
      }
      function isFunction(n) {
        return typeof n === "function";
      }
      function isBlob(n) {
        return n instanceof Uint8Array;
      }
      function isDate(n) {
        return n instanceof Date;
      }
      function isUndefined(n) {
        return typeof n === "undefined";
      }
      function isNull(n) {
        return n === null;
      }
      function pad(n) {
        return n + 3 & ~3;
      }
      function hasProperty(name) {
        return Object.prototype.hasOwnProperty.call(
          typeof global !== "undefined" ? global : window,
          name
        );
      }
      function dataView(obj) {
        if (obj.buffer) {
          return new DataView(obj.buffer);
        } else if (obj instanceof ArrayBuffer) {
          return new DataView(obj);
        }
        return new DataView(new Uint8Array(obj));
      }
      function typeTag(item) {
        if (isInt(item)) {
          return "i";
        } else if (isFloat(item)) {
          return "f";
        } else if (isString(item)) {
          return "s";
        } else if (isBlob(item)) {
          return "b";
        } else if (isBoolean(item)) {
          return item ? "T" : "F";
        } else if (isNull(item)) {
          return "N";
        } else if (isInfinity(item)) {
          return "I";
        }
        throw new Error("OSC typeTag() found unknown value type");
      }
      function prepareAddress(obj) {
        var address = "";
        if (isArray(obj)) {
          return "/".concat(obj.join("/"));
        } else if (isString(obj)) {
          address = obj;
          if (address.length > 1 && address[address.length - 1] === "/") {
            address = address.slice(0, address.length - 1);
          }
          if (address.length > 1 && address[0] !== "/") {
            address = "/".concat(address);
          }
          return address;
        }
        throw new Error("OSC prepareAddress() needs addresses of type array or string");
      }
      function prepareRegExPattern(str) {
        var pattern;
        if (!isString(str)) {
          throw new Error("OSC prepareRegExPattern() needs strings");
        }
        pattern = str.replace(/\./g, "\\.");
        pattern = pattern.replace(/\(/g, "\\(");
        pattern = pattern.replace(/\)/g, "\\)");
        pattern = pattern.replace(/\{/g, "(");
        pattern = pattern.replace(/\}/g, ")");
        pattern = pattern.replace(/,/g, "|");
        pattern = pattern.replace(/\[!/g, "[^");
        pattern = pattern.replace(/\?/g, ".");
        pattern = pattern.replace(/\*/g, ".*");
        return pattern;
      }
      var EncodeHelper = (function() {
        function EncodeHelper2() {
          _classCallCheck(this, EncodeHelper2);
          this.data = [];
          this.byteLength = 0;
        }
        return _createClass(EncodeHelper2, [{
          key: "add",
          value: function add(item) {
            if (isBoolean(item) || isInfinity(item) || isNull(item)) {
              return this;
            }
            var buffer = item.pack();
            this.byteLength += buffer.byteLength;
            this.data.push(buffer);
            return this;
          }
        }, {
          key: "merge",
          value: function merge() {
            var result = new Uint8Array(this.byteLength);
            var offset = 0;
            this.data.forEach(function(data) {
              result.set(data, offset);
              offset += data.byteLength;
            });
            return result;
          }
        }]);
      })();
      var Atomic = (function() {
        function Atomic2(value) {
          _classCallCheck(this, Atomic2);
          this.value = value;
          this.offset = 0;
        }
        return _createClass(Atomic2, [{
          key: "pack",
          value: function pack(method, byteLength) {
            if (!(method && byteLength)) {
              throw new Error("OSC Atomic cant't be packed without given method or byteLength");
            }
            var data = new Uint8Array(byteLength);
            var dataView2 = new DataView(data.buffer);
            if (isUndefined(this.value)) {
              throw new Error("OSC Atomic cant't be encoded with empty value");
            }
            dataView2[method](this.offset, this.value, false);
            return data;
          }
        }, {
          key: "unpackWithMethod",
          value: function unpackWithMethod(dataView2, method, byteLength) {
            var initialOffset = arguments.length > 3 && arguments[3] !== void 0 ? arguments[3] : 0;
            if (!(dataView2 && method && byteLength)) {
              throw new Error("OSC Atomic cant't be unpacked without given dataView, method or byteLength");
            }
            if (!(dataView2 instanceof DataView)) {
              throw new Error("OSC Atomic expects an instance of type DataView");
            }
            this.value = dataView2[method](initialOffset, false);
            this.offset = initialOffset + byteLength;
            return this.offset;
          }
        }]);
      })();
      var AtomicInt32 = (function(_Atomic) {
        function AtomicInt322(value) {
          _classCallCheck(this, AtomicInt322);
          if (value && !isInt(value)) {
            throw new Error("OSC AtomicInt32 constructor expects value of type number");
          }
          return _callSuper(this, AtomicInt322, [value]);
        }
        _inherits(AtomicInt322, _Atomic);
        return _createClass(AtomicInt322, [{
          key: "pack",
          value: function pack() {
            return _get(_getPrototypeOf(AtomicInt322.prototype), "pack", this).call(this, "setInt32", 4);
          }
        }, {
          key: "unpack",
          value: function unpack(dataView2) {
            var initialOffset = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : 0;
            return _get(_getPrototypeOf(AtomicInt322.prototype), "unpackWithMethod", this).call(this, dataView2, "getInt32", 4, initialOffset);
          }
        }]);
      })(Atomic);
      var STR_SLICE_SIZE = 65537;
      var STR_ENCODING = "utf-8";
      function charCodesToString(charCodes) {
        if (hasProperty("Buffer")) {
          return Buffer.from(charCodes).toString(STR_ENCODING);
        } else if (hasProperty("TextDecoder")) {
          return new TextDecoder(STR_ENCODING).decode(new Int8Array(charCodes));
        }
        var str = "";
        for (var i = 0; i < charCodes.length; i += STR_SLICE_SIZE) {
          str += String.fromCharCode.apply(null, charCodes.slice(i, i + STR_SLICE_SIZE));
        }
        return str;
      }
      var AtomicString = (function(_Atomic) {
        function AtomicString2(value) {
          _classCallCheck(this, AtomicString2);
          if (value && !isString(value)) {
            throw new Error("OSC AtomicString constructor expects value of type string");
          }
          return _callSuper(this, AtomicString2, [value]);
        }
        _inherits(AtomicString2, _Atomic);
        return _createClass(AtomicString2, [{
          key: "pack",
          value: function pack() {
            if (isUndefined(this.value)) {
              throw new Error("OSC AtomicString can not be encoded with empty value");
            }
            var terminated = "".concat(this.value, "\0");
            var byteLength = pad(terminated.length);
            var buffer = new Uint8Array(byteLength);
            for (var i = 0; i < terminated.length; i += 1) {
              buffer[i] = terminated.charCodeAt(i);
            }
            return buffer;
          }
        }, {
          key: "unpack",
          value: function unpack(dataView2) {
            var initialOffset = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : 0;
            if (!(dataView2 instanceof DataView)) {
              throw new Error("OSC AtomicString expects an instance of type DataView");
            }
            var offset = initialOffset;
            var charcode;
            var charCodes = [];
            for (; offset < dataView2.byteLength; offset += 1) {
              charcode = dataView2.getUint8(offset);
              if (charcode !== 0) {
                charCodes.push(charcode);
              } else {
                offset += 1;
                break;
              }
            }
            if (offset === dataView2.length) {
              throw new Error("OSC AtomicString found a malformed OSC string");
            }
            this.offset = pad(offset);
            this.value = charCodesToString(charCodes);
            return this.offset;
          }
        }]);
      })(Atomic);
      var SECONDS_70_YEARS = 2208988800;
      var TWO_POWER_32 = 4294967296;
      var Timetag = (function() {
        function Timetag2() {
          var seconds = arguments.length > 0 && arguments[0] !== void 0 ? arguments[0] : 0;
          var fractions = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : 0;
          _classCallCheck(this, Timetag2);
          if (!(isInt(seconds) && isInt(fractions))) {
            throw new Error("OSC Timetag constructor expects values of type integer number");
          }
          this.seconds = seconds;
          this.fractions = fractions;
        }
        return _createClass(Timetag2, [{
          key: "timestamp",
          value: function timestamp(milliseconds) {
            var seconds;
            if (typeof milliseconds === "number") {
              seconds = milliseconds / 1e3;
              var rounded = Math.floor(seconds);
              this.seconds = rounded + SECONDS_70_YEARS;
              this.fractions = Math.round(TWO_POWER_32 * (seconds - rounded));
              return milliseconds;
            }
            seconds = this.seconds - SECONDS_70_YEARS;
            return (seconds + Math.round(this.fractions / TWO_POWER_32)) * 1e3;
          }
        }]);
      })();
      var AtomicTimetag = (function(_Atomic) {
        function AtomicTimetag2() {
          var value = arguments.length > 0 && arguments[0] !== void 0 ? arguments[0] : Date.now();
          _classCallCheck(this, AtomicTimetag2);
          var timetag = new Timetag();
          if (value instanceof Timetag) {
            timetag = value;
          } else if (isInt(value)) {
            timetag.timestamp(value);
          } else if (isDate(value)) {
            timetag.timestamp(value.getTime());
          }
          return _callSuper(this, AtomicTimetag2, [timetag]);
        }
        _inherits(AtomicTimetag2, _Atomic);
        return _createClass(AtomicTimetag2, [{
          key: "pack",
          value: function pack() {
            if (isUndefined(this.value)) {
              throw new Error("OSC AtomicTimetag can not be encoded with empty value");
            }
            var _this$value = this.value, seconds = _this$value.seconds, fractions = _this$value.fractions;
            var data = new Uint8Array(8);
            var dataView2 = new DataView(data.buffer);
            dataView2.setInt32(0, seconds, false);
            dataView2.setInt32(4, fractions, false);
            return data;
          }
        }, {
          key: "unpack",
          value: function unpack(dataView2) {
            var initialOffset = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : 0;
            if (!(dataView2 instanceof DataView)) {
              throw new Error("OSC AtomicTimetag expects an instance of type DataView");
            }
            var seconds = dataView2.getUint32(initialOffset, false);
            var fractions = dataView2.getUint32(initialOffset + 4, false);
            this.value = new Timetag(seconds, fractions);
            this.offset = initialOffset + 8;
            return this.offset;
          }
        }]);
      })(Atomic);
      var AtomicBlob = (function(_Atomic) {
        function AtomicBlob2(value) {
          _classCallCheck(this, AtomicBlob2);
          if (value && !isBlob(value)) {
            throw new Error("OSC AtomicBlob constructor expects value of type Uint8Array");
          }
          return _callSuper(this, AtomicBlob2, [value]);
        }
        _inherits(AtomicBlob2, _Atomic);
        return _createClass(AtomicBlob2, [{
          key: "pack",
          value: function pack() {
            if (isUndefined(this.value)) {
              throw new Error("OSC AtomicBlob can not be encoded with empty value");
            }
            var byteLength = pad(this.value.byteLength);
            var data = new Uint8Array(byteLength + 4);
            var dataView2 = new DataView(data.buffer);
            dataView2.setInt32(0, this.value.byteLength, false);
            data.set(this.value, 4);
            return data;
          }
        }, {
          key: "unpack",
          value: function unpack(dataView2) {
            var initialOffset = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : 0;
            if (!(dataView2 instanceof DataView)) {
              throw new Error("OSC AtomicBlob expects an instance of type DataView");
            }
            var byteLength = dataView2.getInt32(initialOffset, false);
            this.value = new Uint8Array(dataView2.buffer, initialOffset + 4, byteLength);
            this.offset = pad(initialOffset + 4 + byteLength);
            return this.offset;
          }
        }]);
      })(Atomic);
      var AtomicFloat32 = (function(_Atomic) {
        function AtomicFloat322(value) {
          _classCallCheck(this, AtomicFloat322);
          if (value && !isNumber(value)) {
            throw new Error("OSC AtomicFloat32 constructor expects value of type float");
          }
          return _callSuper(this, AtomicFloat322, [value]);
        }
        _inherits(AtomicFloat322, _Atomic);
        return _createClass(AtomicFloat322, [{
          key: "pack",
          value: function pack() {
            return _get(_getPrototypeOf(AtomicFloat322.prototype), "pack", this).call(this, "setFloat32", 4);
          }
        }, {
          key: "unpack",
          value: function unpack(dataView2) {
            var initialOffset = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : 0;
            return _get(_getPrototypeOf(AtomicFloat322.prototype), "unpackWithMethod", this).call(this, dataView2, "getFloat32", 4, initialOffset);
          }
        }]);
      })(Atomic);
      var AtomicFloat64 = (function(_Atomic) {
        function AtomicFloat642(value) {
          _classCallCheck(this, AtomicFloat642);
          if (value && !isNumber(value)) {
            throw new Error("OSC AtomicFloat64 constructor expects value of type float");
          }
          return _callSuper(this, AtomicFloat642, [value]);
        }
        _inherits(AtomicFloat642, _Atomic);
        return _createClass(AtomicFloat642, [{
          key: "pack",
          value: function pack() {
            return _get(_getPrototypeOf(AtomicFloat642.prototype), "pack", this).call(this, "setFloat64", 8);
          }
        }, {
          key: "unpack",
          value: function unpack(dataView2) {
            var initialOffset = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : 0;
            return _get(_getPrototypeOf(AtomicFloat642.prototype), "unpackWithMethod", this).call(this, dataView2, "getFloat64", 8, initialOffset);
          }
        }]);
      })(Atomic);
      var MAX_INT64 = BigInt("9223372036854775807");
      var MIN_INT64 = BigInt("-9223372036854775808");
      var AtomicInt64 = (function(_Atomic) {
        function AtomicInt642(value) {
          _classCallCheck(this, AtomicInt642);
          if (value && typeof value !== "bigint") {
            throw new Error("OSC AtomicInt64 constructor expects value of type BigInt");
          }
          if (value && (value < MIN_INT64 || value > MAX_INT64)) {
            throw new Error("OSC AtomicInt64 value is out of bounds");
          }
          var tmp;
          if (value) {
            tmp = BigInt.asIntN(64, value);
          }
          return _callSuper(this, AtomicInt642, [tmp]);
        }
        _inherits(AtomicInt642, _Atomic);
        return _createClass(AtomicInt642, [{
          key: "pack",
          value: function pack() {
            return _get(_getPrototypeOf(AtomicInt642.prototype), "pack", this).call(this, "setBigInt64", 8);
          }
        }, {
          key: "unpack",
          value: function unpack(dataView2) {
            var initialOffset = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : 0;
            return _get(_getPrototypeOf(AtomicInt642.prototype), "unpackWithMethod", this).call(this, dataView2, "getBigInt64", 8, initialOffset);
          }
        }]);
      })(Atomic);
      var MAX_UINT64 = BigInt("18446744073709551615");
      var AtomicUInt64 = (function(_Atomic) {
        function AtomicUInt642(value) {
          _classCallCheck(this, AtomicUInt642);
          if (value && typeof value !== "bigint") {
            throw new Error("OSC AtomicUInt64 constructor expects value of type BigInt");
          }
          if (value && (value < 0 || value > MAX_UINT64)) {
            throw new Error("OSC AtomicUInt64 value is out of bounds");
          }
          var tmp;
          if (value) {
            tmp = BigInt.asUintN(64, value);
          }
          return _callSuper(this, AtomicUInt642, [tmp]);
        }
        _inherits(AtomicUInt642, _Atomic);
        return _createClass(AtomicUInt642, [{
          key: "pack",
          value: function pack() {
            return _get(_getPrototypeOf(AtomicUInt642.prototype), "pack", this).call(this, "setBigUint64", 8);
          }
        }, {
          key: "unpack",
          value: function unpack(dataView2) {
            var initialOffset = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : 0;
            return _get(_getPrototypeOf(AtomicUInt642.prototype), "unpackWithMethod", this).call(this, dataView2, "getBigUint64", 8, initialOffset);
          }
        }]);
      })(Atomic);
      var VALUE_TRUE = true;
      var VALUE_FALSE = false;
      var VALUE_NONE = null;
      var VALUE_INFINITY = Infinity;
      var TypedMessage = (function() {
        function TypedMessage2(address, args) {
          var _this = this;
          _classCallCheck(this, TypedMessage2);
          this.offset = 0;
          this.address = "";
          this.types = "";
          this.args = [];
          if (!isUndefined(address)) {
            if (!(isString(address) || isArray(address))) {
              throw new Error("OSC Message constructor first argument (address) must be a string or array");
            }
            this.address = prepareAddress(address);
          }
          if (!isUndefined(args)) {
            if (!isArray(args)) {
              throw new Error("OSC Message constructor second argument (args) must be an array");
            }
            args.forEach(function(item) {
              return _this.add(item.type, item.value);
            });
          }
        }
        return _createClass(TypedMessage2, [{
          key: "add",
          value: function add(type, item) {
            if (isUndefined(type)) {
              throw new Error("OSC Message needs a valid OSC Atomic Data Type");
            }
            if (type === "N") {
              this.args.push(VALUE_NONE);
            } else if (type === "T") {
              this.args.push(VALUE_TRUE);
            } else if (type === "F") {
              this.args.push(VALUE_FALSE);
            } else if (type === "I") {
              this.args.push(VALUE_INFINITY);
            } else {
              this.args.push(item);
            }
            this.types += type;
          }
        }, {
          key: "pack",
          value: function pack() {
            var _this2 = this;
            if (this.address.length === 0 || this.address[0] !== "/") {
              throw new Error("OSC Message has an invalid address");
            }
            var encoder = new EncodeHelper();
            encoder.add(new AtomicString(this.address));
            encoder.add(new AtomicString(",".concat(this.types)));
            if (this.args.length > 0) {
              var argument;
              if (this.args.length > this.types.length) {
                throw new Error("OSC Message argument and type tag mismatch");
              }
              this.args.forEach(function(value, index) {
                var type = _this2.types[index];
                if (type === "i") {
                  argument = new AtomicInt32(value);
                } else if (type === "h") {
                  argument = new AtomicInt64(value);
                } else if (type === "t") {
                  argument = new AtomicUInt64(value);
                } else if (type === "f") {
                  argument = new AtomicFloat32(value);
                } else if (type === "d") {
                  argument = new AtomicFloat64(value);
                } else if (type === "s") {
                  argument = new AtomicString(value);
                } else if (type === "b") {
                  argument = new AtomicBlob(value);
                } else if (type === "T") {
                  argument = VALUE_TRUE;
                } else if (type === "F") {
                  argument = VALUE_FALSE;
                } else if (type === "N") {
                  argument = VALUE_NONE;
                } else if (type === "I") {
                  argument = VALUE_INFINITY;
                } else {
                  throw new Error("OSC Message found unknown argument type");
                }
                encoder.add(argument);
              });
            }
            return encoder.merge();
          }
        }, {
          key: "unpack",
          value: function unpack(dataView2) {
            var initialOffset = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : 0;
            if (!(dataView2 instanceof DataView)) {
              throw new Error("OSC Message expects an instance of type DataView.");
            }
            var address = new AtomicString();
            address.unpack(dataView2, initialOffset);
            var types = new AtomicString();
            types.unpack(dataView2, address.offset);
            if (address.value.length === 0 || address.value[0] !== "/") {
              throw new Error("OSC Message found malformed or missing address string");
            }
            if (types.value.length === 0 && types.value[0] !== ",") {
              throw new Error("OSC Message found malformed or missing type string");
            }
            var offset = types.offset;
            var next;
            var type;
            var args = [];
            for (var i = 1; i < types.value.length; i += 1) {
              type = types.value[i];
              next = null;
              if (type === "i") {
                next = new AtomicInt32();
              } else if (type === "h") {
                next = new AtomicInt64();
              } else if (type === "t") {
                next = new AtomicUInt64();
              } else if (type === "f") {
                next = new AtomicFloat32();
              } else if (type === "d") {
                next = new AtomicFloat64();
              } else if (type === "s") {
                next = new AtomicString();
              } else if (type === "b") {
                next = new AtomicBlob();
              } else if (type === "T") {
                args.push(VALUE_TRUE);
              } else if (type === "F") {
                args.push(VALUE_FALSE);
              } else if (type === "N") {
                args.push(VALUE_NONE);
              } else if (type === "I") {
                args.push(VALUE_INFINITY);
              } else {
                throw new Error("OSC Message found unsupported argument type");
              }
              if (next) {
                offset = next.unpack(dataView2, offset);
                args.push(next.value);
              }
            }
            this.offset = offset;
            this.address = address.value;
            this.types = types.value;
            this.args = args;
            return this.offset;
          }
        }]);
      })();
      var Message = (function(_TypedMessage) {
        function Message2(address) {
          var _this3;
          _classCallCheck(this, Message2);
          var oscArgs;
          for (var _len = arguments.length, args = new Array(_len > 1 ? _len - 1 : 0), _key = 1; _key < _len; _key++) {
            args[_key - 1] = arguments[_key];
          }
          if (args.length > 0) {
            if (args[0] instanceof Array) {
              oscArgs = args.shift();
            }
          }
          _this3 = _callSuper(this, Message2, [address, oscArgs]);
          if (args.length > 0) {
            _this3.types = args.map(function(item) {
              return typeTag(item);
            }).join("");
            _this3.args = args;
          }
          return _this3;
        }
        _inherits(Message2, _TypedMessage);
        return _createClass(Message2, [{
          key: "add",
          value: function add(item) {
            _get(_getPrototypeOf(Message2.prototype), "add", this).call(this, typeTag(item), item);
          }
        }]);
      })(TypedMessage);
      var BUNDLE_TAG = "#bundle";
      var Bundle = (function() {
        function Bundle2() {
          var _this = this;
          _classCallCheck(this, Bundle2);
          this.offset = 0;
          this.timetag = new AtomicTimetag();
          this.bundleElements = [];
          for (var _len = arguments.length, args = new Array(_len), _key = 0; _key < _len; _key++) {
            args[_key] = arguments[_key];
          }
          if (args.length > 0) {
            if (args[0] instanceof Date || isInt(args[0])) {
              this.timetag = new AtomicTimetag(args[0]);
            } else if (isArray(args[0])) {
              args[0].forEach(function(item) {
                _this.add(item);
              });
              if (args.length > 1 && (args[1] instanceof Date || isInt(args[1]))) {
                this.timetag = new AtomicTimetag(args[1]);
              }
            } else {
              args.forEach(function(item) {
                _this.add(item);
              });
            }
          }
        }
        return _createClass(Bundle2, [{
          key: "timestamp",
          value: function timestamp(ms) {
            if (!isInt(ms)) {
              throw new Error("OSC Bundle needs an integer for setting the timestamp");
            }
            this.timetag = new AtomicTimetag(ms);
          }
        }, {
          key: "add",
          value: function add(item) {
            if (!(item instanceof Message || item instanceof Bundle2)) {
              throw new Error("OSC Bundle contains only Messages and Bundles");
            }
            this.bundleElements.push(item);
          }
        }, {
          key: "pack",
          value: function pack() {
            var encoder = new EncodeHelper();
            encoder.add(new AtomicString(BUNDLE_TAG));
            if (!this.timetag) {
              this.timetag = new AtomicTimetag();
            }
            encoder.add(this.timetag);
            this.bundleElements.forEach(function(item) {
              encoder.add(new AtomicInt32(item.pack().byteLength));
              encoder.add(item);
            });
            return encoder.merge();
          }
        }, {
          key: "unpack",
          value: function unpack(dataView2) {
            var initialOffset = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : 0;
            if (!(dataView2 instanceof DataView)) {
              throw new Error("OSC Bundle expects an instance of type DataView");
            }
            var parentHead = new AtomicString();
            parentHead.unpack(dataView2, initialOffset);
            if (parentHead.value !== BUNDLE_TAG) {
              throw new Error("OSC Bundle does not contain a valid #bundle head");
            }
            var timetag = new AtomicTimetag();
            var offset = timetag.unpack(dataView2, parentHead.offset);
            this.bundleElements = [];
            while (offset < dataView2.byteLength) {
              var head = new AtomicString();
              var size = new AtomicInt32();
              offset = size.unpack(dataView2, offset);
              var item = void 0;
              head.unpack(dataView2, offset);
              if (head.value === BUNDLE_TAG) {
                item = new Bundle2();
              } else {
                item = new Message();
              }
              offset = item.unpack(dataView2, offset);
              this.bundleElements.push(item);
            }
            this.offset = offset;
            this.timetag = timetag;
            return this.offset;
          }
        }]);
      })();
      var Packet = (function() {
        function Packet2(value) {
          _classCallCheck(this, Packet2);
          if (value && !(value instanceof Message || value instanceof Bundle)) {
            throw new Error("OSC Packet value has to be Message or Bundle");
          }
          this.value = value;
          this.offset = 0;
        }
        return _createClass(Packet2, [{
          key: "pack",
          value: function pack() {
            if (!this.value) {
              throw new Error("OSC Packet can not be encoded with empty body");
            }
            return this.value.pack();
          }
        }, {
          key: "unpack",
          value: function unpack(dataView2) {
            var initialOffset = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : 0;
            if (!(dataView2 instanceof DataView)) {
              throw new Error("OSC Packet expects an instance of type DataView");
            }
            if (dataView2.byteLength % 4 !== 0) {
              throw new Error("OSC Packet byteLength has to be a multiple of four");
            }
            var head = new AtomicString();
            head.unpack(dataView2, initialOffset);
            var item;
            if (head.value === BUNDLE_TAG) {
              item = new Bundle();
            } else {
              item = new Message();
            }
            item.unpack(dataView2, initialOffset);
            this.offset = item.offset;
            this.value = item;
            return this.offset;
          }
        }]);
      })();
      var defaultOptions$5 = {
        discardLateMessages: false
      };
      var EventHandler = (function() {
        function EventHandler2(options) {
          _classCallCheck(this, EventHandler2);
          this.options = _objectSpread2(_objectSpread2({}, defaultOptions$5), options);
          this.addressHandlers = [];
          this.eventHandlers = {
            open: [],
            error: [],
            close: []
          };
          this.uuid = 0;
        }
        return _createClass(EventHandler2, [{
          key: "dispatch",
          value: function dispatch(packet, rinfo) {
            var _this = this;
            if (!(packet instanceof Packet)) {
              throw new Error("OSC EventHander dispatch() accepts only arguments of type Packet");
            }
            if (!packet.value) {
              throw new Error("OSC EventHander dispatch() can't read empty Packets");
            }
            if (packet.value instanceof Bundle) {
              var bundle = packet.value;
              return bundle.bundleElements.forEach(function(bundleItem) {
                if (bundleItem instanceof Bundle) {
                  if (bundle.timetag.value.timestamp() < bundleItem.timetag.value.timestamp()) {
                    throw new Error("OSC Bundle timestamp is older than the timestamp of enclosed Bundles");
                  }
                  return _this.dispatch(new Packet(bundleItem));
                } else if (bundleItem instanceof Message) {
                  var message2 = bundleItem;
                  return _this.notify(message2.address, message2, bundle.timetag.value.timestamp(), rinfo);
                }
                throw new Error("OSC EventHander dispatch() can't dispatch unknown Packet value");
              });
            } else if (packet.value instanceof Message) {
              var message = packet.value;
              return this.notify(message.address, message, 0, rinfo);
            }
            throw new Error("OSC EventHander dispatch() can't dispatch unknown Packet value");
          }
        }, {
          key: "call",
          value: function call(name, data, rinfo) {
            var success = false;
            if (isString(name) && name in this.eventHandlers) {
              this.eventHandlers[name].forEach(function(handler) {
                handler.callback(data, rinfo);
                success = true;
              });
              return success;
            }
            var handlerKeys = Object.keys(this.addressHandlers);
            var handlers = this.addressHandlers;
            handlerKeys.forEach(function(key) {
              var foundMatch = false;
              var regex = new RegExp(prepareRegExPattern(prepareAddress(name)), "g");
              var test = regex.test(key);
              if (test && key.length === regex.lastIndex) {
                foundMatch = true;
              }
              if (!foundMatch) {
                var reverseRegex = new RegExp(prepareRegExPattern(prepareAddress(key)), "g");
                var reverseTest = reverseRegex.test(name);
                if (reverseTest && name.length === reverseRegex.lastIndex) {
                  foundMatch = true;
                }
              }
              if (foundMatch) {
                handlers[key].forEach(function(handler) {
                  handler.callback(data, rinfo);
                  success = true;
                });
              }
            });
            return success;
          }
        }, {
          key: "notify",
          value: function notify() {
            for (var _len = arguments.length, args = new Array(_len), _key = 0; _key < _len; _key++) {
              args[_key] = arguments[_key];
            }
            if (args.length === 0) {
              throw new Error("OSC EventHandler can not be called without any argument");
            }
            try {
              if (args[0] instanceof Packet) {
                return this.dispatch(args[0], args[1]);
              } else if (args[0] instanceof Bundle || args[0] instanceof Message) {
                return this.dispatch(new Packet(args[0]), args[1]);
              } else if (!isString(args[0])) {
                var packet = new Packet();
                packet.unpack(dataView(args[0]));
                return this.dispatch(packet, args[1]);
              }
              var name = args[0];
              var data = null;
              if (args.length > 1) {
                data = args[1];
              }
              var timestamp = null;
              if (args.length > 2) {
                if (isInt(args[2])) {
                  timestamp = args[2];
                } else if (args[2] instanceof Date) {
                  timestamp = args[2].getTime();
                } else {
                  throw new Error("OSC EventHandler timestamp has to be a number or Date");
                }
              }
              var rinfo = null;
              if (args.length >= 3) {
                rinfo = args[3];
              }
              if (timestamp) {
                var now = Date.now();
                if (now > timestamp) {
                  if (!this.options.discardLateMessages) {
                    return this.call(name, data, rinfo);
                  }
                }
                var that = this;
                setTimeout(function() {
                  that.call(name, data, rinfo);
                }, timestamp - now);
                return true;
              }
              return this.call(name, data, rinfo);
            } catch (error) {
              this.notify("error", error);
              return false;
            }
          }
        }, {
          key: "on",
          value: function on(name, callback) {
            if (!(isString(name) || isArray(name))) {
              throw new Error("OSC EventHandler accepts only strings or arrays for address patterns");
            }
            if (!isFunction(callback)) {
              throw new Error("OSC EventHandler callback has to be a function");
            }
            this.uuid += 1;
            var handler = {
              id: this.uuid,
              callback
            };
            if (isString(name) && name in this.eventHandlers) {
              this.eventHandlers[name].push(handler);
              return this.uuid;
            }
            var address = prepareAddress(name);
            if (!(address in this.addressHandlers)) {
              this.addressHandlers[address] = [];
            }
            this.addressHandlers[address].push(handler);
            return this.uuid;
          }
        }, {
          key: "off",
          value: function off(name, subscriptionId) {
            if (!(isString(name) || isArray(name))) {
              throw new Error("OSC EventHandler accepts only strings or arrays for address patterns");
            }
            if (!isInt(subscriptionId)) {
              throw new Error("OSC EventHandler subscription id has to be a number");
            }
            var key;
            var haystack;
            if (isString(name) && name in this.eventHandlers) {
              key = name;
              haystack = this.eventHandlers;
            } else {
              key = prepareAddress(name);
              haystack = this.addressHandlers;
            }
            if (key in haystack) {
              return haystack[key].some(function(item, index) {
                if (item.id === subscriptionId) {
                  haystack[key].splice(index, 1);
                  return true;
                }
                return false;
              });
            }
            return false;
          }
        }]);
      })();
      var Plugin = (function() {
        function Plugin2() {
          _classCallCheck(this, Plugin2);
          if (this.constructor === Plugin2) {
            throw new Error("Plugin is an abstract class. Please create or use an implementation!");
          }
        }
        return _createClass(Plugin2, [{
          key: "status",
          value: function status() {
            throw new Error("Abstract method!");
          }
        }, {
          key: "open",
          value: function open() {
            throw new Error("Abstract method!");
          }
        }, {
          key: "close",
          value: function close() {
            throw new Error("Abstract method!");
          }
        }, {
          key: "send",
          value: function send(binary) {
            throw new Error("Abstract method!");
          }
        }]);
      })();
      var STATUS$4 = {
        IS_NOT_INITIALIZED: -1,
        IS_CONNECTING: 0,
        IS_OPEN: 1,
        IS_CLOSING: 2,
        IS_CLOSED: 3
      };
      var defaultOpenOptions = {
        host: "localhost",
        port: 41234,
        exclusive: false
      };
      var defaultSendOptions = {
        host: "localhost",
        port: 41235
      };
      var defaultOptions$4 = {
        type: "udp4",
        open: defaultOpenOptions,
        send: defaultSendOptions
      };
      function mergeOptions$1(base, custom) {
        return _objectSpread2(_objectSpread2(_objectSpread2(_objectSpread2({}, defaultOptions$4), base), custom), {}, {
          open: _objectSpread2(_objectSpread2(_objectSpread2({}, defaultOptions$4.open), base.open), custom.open),
          send: _objectSpread2(_objectSpread2(_objectSpread2({}, defaultOptions$4.send), base.send), custom.send)
        });
      }
      var DatagramPlugin = (function(_Plugin) {
        function DatagramPlugin2() {
          var _this;
          var options = arguments.length > 0 && arguments[0] !== void 0 ? arguments[0] : {};
          _classCallCheck(this, DatagramPlugin2);
          _this = _callSuper(this, DatagramPlugin2);
          if (!dgram__default["default"]) {
            throw new Error("DatagramPlugin can not be used in browser context");
          }
          _this.options = mergeOptions$1({}, options);
          _this.socket = dgram__default["default"].createSocket(_this.options.type);
          _this.socketStatus = STATUS$4.IS_NOT_INITIALIZED;
          _this.socket.on("message", function(message, rinfo) {
            _this.notify(message, rinfo);
          });
          _this.socket.on("error", function(error) {
            _this.notify("error", error);
          });
          _this.notify = function() {
          };
          return _this;
        }
        _inherits(DatagramPlugin2, _Plugin);
        return _createClass(DatagramPlugin2, [{
          key: "registerNotify",
          value: function registerNotify(fn) {
            this.notify = fn;
          }
        }, {
          key: "status",
          value: function status() {
            return this.socketStatus;
          }
        }, {
          key: "open",
          value: function open() {
            var _this2 = this;
            var customOptions = arguments.length > 0 && arguments[0] !== void 0 ? arguments[0] : {};
            var options = _objectSpread2(_objectSpread2({}, this.options.open), customOptions);
            var port2 = options.port, exclusive = options.exclusive;
            this.socketStatus = STATUS$4.IS_CONNECTING;
            this.socket.bind({
              address: options.host,
              port: port2,
              exclusive
            }, function() {
              _this2.socketStatus = STATUS$4.IS_OPEN;
              _this2.notify("open");
            });
          }
        }, {
          key: "close",
          value: function close() {
            var _this3 = this;
            this.socketStatus = STATUS$4.IS_CLOSING;
            this.socket.close(function() {
              _this3.socketStatus = STATUS$4.IS_CLOSED;
              _this3.notify("close");
            });
          }
        }, {
          key: "send",
          value: function send(binary) {
            var customOptions = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : {};
            var options = _objectSpread2(_objectSpread2({}, this.options.send), customOptions);
            var port2 = options.port, host = options.host;
            this.socket.send(Buffer.from(binary), 0, binary.byteLength, port2, host);
          }
        }]);
      })(Plugin);
      var STATUS$3 = {
        IS_NOT_INITIALIZED: -1,
        IS_CONNECTING: 0,
        IS_OPEN: 1,
        IS_CLOSING: 2,
        IS_CLOSED: 3
      };
      var defaultOptions$3 = {
        udpServer: {
          host: "localhost",
          port: 41234,
          exclusive: false
        },
        udpClient: {
          host: "localhost",
          port: 41235
        },
        wsServer: {
          host: "localhost",
          port: 8080
        },
        receiver: "ws"
      };
      function mergeOptions(base, custom) {
        return _objectSpread2(_objectSpread2(_objectSpread2(_objectSpread2({}, defaultOptions$3), base), custom), {}, {
          udpServer: _objectSpread2(_objectSpread2(_objectSpread2({}, defaultOptions$3.udpServer), base.udpServer), custom.udpServer),
          udpClient: _objectSpread2(_objectSpread2(_objectSpread2({}, defaultOptions$3.udpClient), base.udpClient), custom.udpClient),
          wsServer: _objectSpread2(_objectSpread2(_objectSpread2({}, defaultOptions$3.wsServer), base.wsServer), custom.wsServer)
        });
      }
      var BridgePlugin = (function(_Plugin) {
        function BridgePlugin2() {
          var _this;
          var options = arguments.length > 0 && arguments[0] !== void 0 ? arguments[0] : {};
          _classCallCheck(this, BridgePlugin2);
          _this = _callSuper(this, BridgePlugin2);
          if (!dgram__default["default"] || !WebSocket.WebSocketServer) {
            throw new Error("BridgePlugin can not be used in browser context");
          }
          _this.options = mergeOptions({}, options);
          _this.websocket = null;
          _this.socket = dgram__default["default"].createSocket("udp4");
          _this.socketStatus = STATUS$3.IS_NOT_INITIALIZED;
          _this.socket.on("message", function(message) {
            _this.send(message, {
              receiver: "ws"
            });
            _this.notify(message.buffer);
          });
          _this.socket.on("error", function(error) {
            _this.notify("error", error);
          });
          _this.notify = function() {
          };
          return _this;
        }
        _inherits(BridgePlugin2, _Plugin);
        return _createClass(BridgePlugin2, [{
          key: "registerNotify",
          value: function registerNotify(fn) {
            this.notify = fn;
          }
        }, {
          key: "status",
          value: function status() {
            return this.socketStatus;
          }
        }, {
          key: "open",
          value: function open() {
            var _this2 = this;
            var customOptions = arguments.length > 0 && arguments[0] !== void 0 ? arguments[0] : {};
            var options = mergeOptions(this.options, customOptions);
            this.socketStatus = STATUS$3.IS_CONNECTING;
            this.socket.bind({
              address: options.udpServer.host,
              port: options.udpServer.port,
              exclusive: options.udpServer.exclusive
            }, function() {
              var wsServerOptions = {};
              if (options.wsServer.server) {
                wsServerOptions.server = options.wsServer.server;
              } else {
                wsServerOptions = options.wsServer;
              }
              _this2.websocket = new WebSocket.WebSocketServer(wsServerOptions);
              _this2.websocket.binaryType = "arraybuffer";
              _this2.websocket.on("listening", function() {
                _this2.socketStatus = STATUS$3.IS_OPEN;
                _this2.notify("open");
              });
              _this2.websocket.on("error", function(error) {
                _this2.notify("error", error);
              });
              _this2.websocket.on("connection", function(client2) {
                client2.on("message", function(message, rinfo) {
                  _this2.send(message, {
                    receiver: "udp"
                  });
                  _this2.notify(new Uint8Array(message), rinfo);
                });
              });
            });
          }
        }, {
          key: "close",
          value: function close() {
            var _this3 = this;
            this.socketStatus = STATUS$3.IS_CLOSING;
            this.socket.close(function() {
              _this3.websocket.close(function() {
                _this3.socketStatus = STATUS$3.IS_CLOSED;
                _this3.notify("close");
              });
            });
          }
        }, {
          key: "send",
          value: function send(binary) {
            var customOptions = arguments.length > 1 && arguments[1] !== void 0 ? arguments[1] : {};
            var options = mergeOptions(this.options, customOptions);
            var receiver = options.receiver;
            if (receiver === "udp") {
              var data = binary instanceof Buffer ? binary : Buffer.from(binary);
              this.socket.send(data, 0, data.byteLength, options.udpClient.port, options.udpClient.host);
            } else if (receiver === "ws") {
              this.websocket.clients.forEach(function(client2) {
                client2.send(binary, {
                  binary: true
                });
              });
            } else {
              throw new Error("BridgePlugin can not send message to unknown receiver");
            }
          }
        }]);
      })(Plugin);
      var STATUS$2 = {
        IS_NOT_INITIALIZED: -1,
        IS_CONNECTING: 0,
        IS_OPEN: 1,
        IS_CLOSING: 2,
        IS_CLOSED: 3
      };
      var defaultOptions$2 = {
        host: "localhost",
        port: 8080,
        secure: false,
        protocol: []
      };
      var WebsocketClientPlugin = (function(_Plugin) {
        function WebsocketClientPlugin2(options) {
          var _this;
          _classCallCheck(this, WebsocketClientPlugin2);
          _this = _callSuper(this, WebsocketClientPlugin2);
          if (!WebSocket__default["default"]) {
            throw new Error("WebsocketClientPlugin can't find a WebSocket class");
          }
          _this.options = _objectSpread2(_objectSpread2({}, defaultOptions$2), options);
          _this.socket = null;
          _this.socketStatus = STATUS$2.IS_NOT_INITIALIZED;
          _this.notify = function() {
          };
          return _this;
        }
        _inherits(WebsocketClientPlugin2, _Plugin);
        return _createClass(WebsocketClientPlugin2, [{
          key: "registerNotify",
          value: function registerNotify(fn) {
            this.notify = fn;
          }
        }, {
          key: "status",
          value: function status() {
            return this.socketStatus;
          }
        }, {
          key: "open",
          value: function open() {
            var _this2 = this;
            var customOptions = arguments.length > 0 && arguments[0] !== void 0 ? arguments[0] : {};
            var options = _objectSpread2(_objectSpread2({}, this.options), customOptions);
            var port2 = options.port, host = options.host, secure = options.secure, protocol = options.protocol;
            if (this.socket) {
              this.close();
            }
            var scheme = secure ? "wss" : "ws";
            var rinfo = {
              address: host,
              family: scheme,
              port: port2,
              size: 0
            };
            this.socket = new WebSocket__default["default"]("".concat(scheme, "://").concat(host, ":").concat(port2), protocol);
            this.socket.binaryType = "arraybuffer";
            this.socketStatus = STATUS$2.IS_CONNECTING;
            this.socket.onopen = function() {
              _this2.socketStatus = STATUS$2.IS_OPEN;
              _this2.notify("open");
            };
            this.socket.onclose = function() {
              _this2.socketStatus = STATUS$2.IS_CLOSED;
              _this2.notify("close");
            };
            this.socket.onerror = function(error) {
              _this2.notify("error", error);
            };
            this.socket.onmessage = function(message) {
              _this2.notify(message.data, rinfo);
            };
          }
        }, {
          key: "close",
          value: function close() {
            this.socketStatus = STATUS$2.IS_CLOSING;
            this.socket.close();
          }
        }, {
          key: "send",
          value: function send(binary) {
            this.socket.send(binary);
          }
        }]);
      })(Plugin);
      var STATUS$1 = {
        IS_NOT_INITIALIZED: -1,
        IS_CONNECTING: 0,
        IS_OPEN: 1,
        IS_CLOSING: 2,
        IS_CLOSED: 3
      };
      var defaultOptions$1 = {
        host: "localhost",
        port: 8080
      };
      var WebsocketServerPlugin = (function(_Plugin) {
        function WebsocketServerPlugin2(options) {
          var _this;
          _classCallCheck(this, WebsocketServerPlugin2);
          _this = _callSuper(this, WebsocketServerPlugin2);
          if (!WebSocket.WebSocketServer) {
            throw new Error("WebsocketServerPlugin can not be used in browser context");
          }
          _this.options = _objectSpread2(_objectSpread2({}, defaultOptions$1), options);
          _this.socket = null;
          _this.socketStatus = STATUS$1.IS_NOT_INITIALIZED;
          _this.notify = function() {
          };
          return _this;
        }
        _inherits(WebsocketServerPlugin2, _Plugin);
        return _createClass(WebsocketServerPlugin2, [{
          key: "registerNotify",
          value: function registerNotify(fn) {
            this.notify = fn;
          }
        }, {
          key: "status",
          value: function status() {
            return this.socketStatus;
          }
        }, {
          key: "open",
          value: function open() {
            var _this2 = this;
            var customOptions = arguments.length > 0 && arguments[0] !== void 0 ? arguments[0] : {};
            var options = _objectSpread2(_objectSpread2({}, this.options), customOptions);
            var port2 = options.port, host = options.host;
            var rinfo = {
              address: host,
              family: "wsserver",
              port: port2,
              size: 0
            };
            if (this.socket) {
              this.close();
            }
            if (options.server) {
              this.socket = new WebSocket.WebSocketServer({
                server: options.server
              });
            } else {
              this.socket = new WebSocket.WebSocketServer({
                host,
                port: port2
              });
            }
            this.socket.binaryType = "arraybuffer";
            this.socketStatus = STATUS$1.IS_CONNECTING;
            this.socket.on("listening", function() {
              _this2.socketStatus = STATUS$1.IS_OPEN;
              _this2.notify("open");
            });
            this.socket.on("error", function(error) {
              _this2.notify("error", error);
            });
            this.socket.on("connection", function(client2) {
              client2.on("message", function(message) {
                _this2.notify(new Uint8Array(message), rinfo);
              });
            });
          }
        }, {
          key: "close",
          value: function close() {
            var _this3 = this;
            this.socketStatus = STATUS$1.IS_CLOSING;
            this.socket.close(function() {
              _this3.socketStatus = STATUS$1.IS_CLOSED;
              _this3.notify("close");
            });
          }
        }, {
          key: "send",
          value: function send(binary) {
            this.socket.clients.forEach(function(client2) {
              client2.send(binary, {
                binary: true
              });
            });
          }
        }]);
      })(Plugin);
      var defaultOptions = {
        discardLateMessages: false
      };
      var STATUS = {
        IS_NOT_INITIALIZED: -1,
        IS_CONNECTING: 0,
        IS_OPEN: 1,
        IS_CLOSING: 2,
        IS_CLOSED: 3
      };
      var OSC2 = (function() {
        function OSC3(options) {
          _classCallCheck(this, OSC3);
          if (options && !isObject(options)) {
            throw new Error("OSC options argument has to be an object.");
          }
          this.options = _objectSpread2(_objectSpread2({}, defaultOptions), options);
          if (!this.options.plugin) {
            this.options.plugin = new WebsocketClientPlugin();
          }
          this.eventHandler = new EventHandler({
            discardLateMessages: this.options.discardLateMessages
          });
          var eventHandler = this.eventHandler;
          if (this.options.plugin && this.options.plugin.registerNotify) {
            this.options.plugin.registerNotify(function() {
              return eventHandler.notify.apply(eventHandler, arguments);
            });
          }
        }
        return _createClass(OSC3, [{
          key: "on",
          value: function on(eventName, callback) {
            if (!(isString(eventName) && isFunction(callback))) {
              throw new Error("OSC on() needs event- or address string and callback function");
            }
            return this.eventHandler.on(eventName, callback);
          }
        }, {
          key: "off",
          value: function off(eventName, subscriptionId) {
            if (!(isString(eventName) && isInt(subscriptionId))) {
              throw new Error("OSC off() needs string and number (subscriptionId) to unsubscribe");
            }
            return this.eventHandler.off(eventName, subscriptionId);
          }
        }, {
          key: "open",
          value: function open(options) {
            if (options && !isObject(options)) {
              throw new Error("OSC open() options argument needs to be an object");
            }
            if (!(this.options.plugin && isFunction(this.options.plugin.open))) {
              throw new Error("OSC Plugin API #open is not implemented!");
            }
            return this.options.plugin.open(options);
          }
        }, {
          key: "status",
          value: function status() {
            if (!(this.options.plugin && isFunction(this.options.plugin.status))) {
              throw new Error("OSC Plugin API #status is not implemented!");
            }
            return this.options.plugin.status();
          }
        }, {
          key: "close",
          value: function close() {
            if (!(this.options.plugin && isFunction(this.options.plugin.close))) {
              throw new Error("OSC Plugin API #close is not implemented!");
            }
            return this.options.plugin.close();
          }
        }, {
          key: "send",
          value: function send(packet, options) {
            if (!(this.options.plugin && isFunction(this.options.plugin.send))) {
              throw new Error("OSC Plugin API #send is not implemented!");
            }
            if (!(packet instanceof TypedMessage || packet instanceof Message || packet instanceof Bundle || packet instanceof Packet)) {
              throw new Error("OSC send() needs Messages, Bundles or Packets");
            }
            if (options && !isObject(options)) {
              throw new Error("OSC send() options argument has to be an object");
            }
            return this.options.plugin.send(packet.pack(), options);
          }
        }]);
      })();
      OSC2.STATUS = STATUS;
      OSC2.Packet = Packet;
      OSC2.Bundle = Bundle;
      OSC2.Message = Message;
      OSC2.TypedMessage = TypedMessage;
      OSC2.Plugin = Plugin;
      OSC2.DatagramPlugin = DatagramPlugin;
      OSC2.WebsocketClientPlugin = WebsocketClientPlugin;
      OSC2.WebsocketServerPlugin = WebsocketServerPlugin;
      OSC2.BridgePlugin = BridgePlugin;
      return OSC2;
    }));
  }
});

// max-device/src/client/main.ts
var main_exports = {};
__export(main_exports, {
  client: () => client,
  started: () => started
});
module.exports = __toCommonJS(main_exports);
var import_max_api = __toESM(require("max-api"), 1);

// max-device/src/client/bridge-launcher.ts
var import_node_child_process = require("child_process");
var import_node_events = require("events");
var import_node_fs = require("fs");
var import_node_os = require("os");
var import_node_string_decoder = require("string_decoder");
var import_node_path = require("path");
var MIN_NODE = Object.freeze({ major: 20, minor: 6 });
var CONFIG_FILE = (0, import_node_path.join)((0, import_node_os.homedir)(), ".tandem", "device.json");
function readLaunchConfig(file = CONFIG_FILE, env = process.env) {
  let cfg = {};
  let problem;
  if ((0, import_node_fs.existsSync)(file)) {
    try {
      const raw = JSON.parse((0, import_node_fs.readFileSync)(file, "utf8"));
      for (const k of ["node", "home"]) {
        if (raw[k] !== void 0 && typeof raw[k] !== "string") problem = `${file}: "${k}" must be a path string, got ${JSON.stringify(raw[k])}`;
        else if (typeof raw[k] === "string") cfg[k] = raw[k];
      }
      if (raw.port !== void 0) {
        const p = raw.port;
        if (typeof p !== "number" || !Number.isInteger(p) || p < 1024 || p > 65535)
          problem = `${file}: "port" must be a UDP port from 1024 to 65535, got ${JSON.stringify(p)}`;
        else cfg.port = p;
      }
    } catch (err) {
      problem = `${file} is not JSON (${err.message}); expected {"node": "/path/to/node", "home": "/path/to/tandem", "port": 57121}`;
    }
  }
  cfg = __spreadValues(__spreadValues(__spreadValues({}, cfg), env.TANDEM_NODE ? { node: env.TANDEM_NODE } : {}), env.TANDEM_HOME ? { home: env.TANDEM_HOME } : {});
  return __spreadProps(__spreadValues({}, cfg), { problem });
}
function nodeCandidates(env = process.env, platform = process.platform, home = (0, import_node_os.homedir)()) {
  var _a2, _b2, _c;
  const exe = platform === "win32" ? "node.exe" : "node";
  const dirs = ((_b2 = (_a2 = env.PATH) != null ? _a2 : env.Path) != null ? _b2 : "").split(import_node_path.delimiter).filter((d) => d && (0, import_node_path.isAbsolute)(d));
  if (platform === "darwin") dirs.push("/opt/homebrew/bin", "/usr/local/bin");
  if (platform === "win32") dirs.push((0, import_node_path.join)((_c = env.ProgramFiles) != null ? _c : "C:\\Program Files", "nodejs"));
  else dirs.push("/usr/local/bin", "/usr/bin");
  dirs.push((0, import_node_path.join)(home, ".volta", "bin"));
  const nvm = (0, import_node_path.join)(home, ".nvm", "versions", "node");
  if ((0, import_node_fs.existsSync)(nvm)) {
    const versions = (0, import_node_fs.readdirSync)(nvm).sort((a, b) => compareVersions(b, a));
    for (const v of versions) dirs.push((0, import_node_path.join)(nvm, v, "bin"));
  }
  return [...new Set(dirs.map((d) => (0, import_node_path.join)(d, exe)))];
}
var currentRunner = () => process.getuid && process.getgid ? { uid: process.getuid(), gid: process.getgid() } : void 0;
function untrusted(path, runner = currentRunner()) {
  var _a2;
  if (!runner) return void 0;
  let real;
  try {
    real = (0, import_node_fs.realpathSync)(path);
  } catch (err) {
    return `${path} cannot be checked (${(_a2 = err.code) != null ? _a2 : err.message})`;
  }
  const st = (0, import_node_fs.statSync)(real);
  if (st.uid !== runner.uid && st.uid !== 0) return `${real} belongs to another user (uid ${st.uid})`;
  if (st.mode & 2) return `${real} is writable by every user`;
  if (st.mode & 16 && st.gid !== runner.gid) return `${real} is writable by group ${st.gid}`;
  for (let dir = (0, import_node_path.dirname)(real); ; dir = (0, import_node_path.dirname)(dir)) {
    const d = (0, import_node_fs.statSync)(dir);
    if (d.mode & 2 && !(d.mode & 512)) return `${dir} (above ${real}) is writable by every user`;
    if ((0, import_node_path.dirname)(dir) === dir) break;
  }
  return void 0;
}
function parseNodeVersion(text) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : void 0;
}
var compareVersions = (a, b) => {
  var _a2, _b2;
  const pa = (_a2 = parseNodeVersion(a)) != null ? _a2 : [0, 0, 0];
  const pb = (_b2 = parseNodeVersion(b)) != null ? _b2 : [0, 0, 0];
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
};
var newEnough = (v) => v[0] > MIN_NODE.major || v[0] === MIN_NODE.major && v[1] >= MIN_NODE.minor;
function findNode(config2, candidates = nodeCandidates(), runner = currentRunner()) {
  const tried = config2.node ? [config2.node] : candidates;
  const tooOld = [];
  const distrusted = [];
  for (const path of tried) {
    if (!(0, import_node_fs.existsSync)(path)) continue;
    const why = untrusted(path, runner);
    if (why) {
      distrusted.push(why);
      continue;
    }
    const r = (0, import_node_child_process.spawnSync)(path, ["--version"], { encoding: "utf8", timeout: 5e3 });
    const v = r.status === 0 ? parseNodeVersion(r.stdout) : void 0;
    if (!v) continue;
    if (newEnough(v)) return { path, version: `v${v.join(".")}` };
    tooOld.push(`${path} is v${v.join(".")}`);
  }
  const need = `Node ${MIN_NODE.major}.${MIN_NODE.minor}+`;
  const where = config2.node ? `the configured node ${config2.node}` : `${tried.length} places (${tried.slice(0, 4).join(", ")}${tried.length > 4 ? ", ..." : ""})`;
  return {
    reason: `${need} not found: looked at ${where}${tooOld.length ? `; too old: ${tooOld.join(", ")}` : ""}${distrusted.length ? `; not trusted: ${distrusted.join(", ")}` : ""}. Install Node ${MIN_NODE.major} (nodejs.org) or put {"node": "/path/to/node"} in ${CONFIG_FILE}`
  };
}
function isTandemHome(dir) {
  const pkg = (0, import_node_path.join)(dir, "package.json");
  if (!(0, import_node_fs.existsSync)(pkg) || !(0, import_node_fs.existsSync)((0, import_node_path.join)(dir, "bin", "tandem.js"))) return false;
  try {
    return JSON.parse((0, import_node_fs.readFileSync)(pkg, "utf8")).name === "tandem";
  } catch (e) {
    return false;
  }
}
function findTandemHome(config2, scriptDir, runner = currentRunner()) {
  let home;
  if (config2.home) {
    if (!isTandemHome(config2.home))
      return { reason: `${config2.home} (configured home) is not a Tandem checkout: it needs package.json named "tandem" and bin/tandem.js` };
    home = (0, import_node_path.resolve)(config2.home);
  } else {
    for (let dir = (0, import_node_path.resolve)(scriptDir); ; dir = (0, import_node_path.dirname)(dir)) {
      if (isTandemHome(dir)) {
        home = dir;
        break;
      }
      if ((0, import_node_path.dirname)(dir) === dir) break;
    }
  }
  if (!home)
    return {
      reason: `the Tandem repo was not found above ${scriptDir}: use the device from the repo's max-device/dist/, or put {"home": "/path/to/tandem"} in ${CONFIG_FILE}`
    };
  if (!(0, import_node_fs.existsSync)((0, import_node_path.join)(home, "node_modules"))) return { reason: `${home} has no node_modules: run npm install there first` };
  for (const p of [home, (0, import_node_path.join)(home, "package.json"), (0, import_node_path.join)(home, "bin"), (0, import_node_path.join)(home, "bin", "tandem.js"), (0, import_node_path.join)(home, "node_modules")]) {
    const why = untrusted(p, runner);
    if (why)
      return {
        reason: `the Tandem repo at ${home} is not trusted: ${why}; fix its owner or permissions (chmod go-w), or put {"home": "/path/to/your/tandem"} in ${CONFIG_FILE}`
      };
  }
  return { home, bin: (0, import_node_path.join)(home, "bin", "tandem.js") };
}
var MAX_LINE_CHARS = 300;
function safeLine(line) {
  const cut = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}...` : line;
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 255 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
function lineSplitter(onLine) {
  const decoder = new import_node_string_decoder.StringDecoder("utf8");
  let rest = "";
  return {
    write(chunk) {
      var _a2;
      const parts = (rest + (typeof chunk === "string" ? chunk : decoder.write(chunk))).split(/\r\n|\n|\r/);
      rest = (_a2 = parts.pop()) != null ? _a2 : "";
      if (rest.length > 65536) {
        parts.push(rest);
        rest = "";
      }
      for (const p of parts) onLine(p);
    },
    end() {
      const last = rest + decoder.end();
      rest = "";
      if (last) onLine(last);
    }
  };
}
function portWasTaken(lastLines) {
  return lastLines.some((l) => /cannot be bound \(EADDRINUSE\)/.test(l));
}
var BridgeProcess = class extends import_node_events.EventEmitter {
  constructor(plan) {
    super();
    __publicField(this, "lastLines", []);
    __publicField(this, "child");
    this.child = (0, import_node_child_process.spawn)(plan.node, [plan.bin, "serve", "--osc-port", String(plan.port), "--lease", `${Math.round(plan.leaseMs)}ms`], {
      cwd: plan.home,
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
      detached: true
    });
    const out = lineSplitter((line) => this.take(line));
    const err = lineSplitter((line) => this.take(line));
    this.child.stdout.on("data", (b) => out.write(b));
    this.child.stderr.on("data", (b) => err.write(b));
    this.child.on("error", (err2) => {
      this.lastLines.push(`could not start ${plan.node}: ${err2.message}`);
    });
    this.child.on("close", (code, signal) => {
      out.end();
      err.end();
      this.emit("exit", code, signal, [...this.lastLines]);
    });
  }
  take(raw) {
    if (!raw.trim()) return;
    const line = safeLine(raw);
    this.lastLines.push(line);
    if (this.lastLines.length > 20) this.lastLines.shift();
    this.emit("line", line);
  }
  get pid() {
    return this.child.pid;
  }
  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  /** Stops the bridge (SIGTERM: it closes its port and model); only for a bridge that never answered, as others may use it. */
  stop() {
    if (this.running) this.child.kill("SIGTERM");
  }
};

// src/errors.ts
var TandemError = class extends Error {
  constructor(message) {
    super(message);
    this.name = new.target.name;
  }
  /** The CLI's exit code for this error: 1 = failed while working; bad input classes say 2. */
  get exitCode() {
    return 1;
  }
};
var InvalidValueError = class extends TandemError {
  constructor(field, value, allowed) {
    super(`${field} must be ${allowed}, got ${showValue(value)}`);
    __publicField(this, "field", field);
    __publicField(this, "value", value);
    __publicField(this, "allowed", allowed);
  }
  get exitCode() {
    return 2;
  }
};
function showValue(value) {
  if (typeof value === "string") return value.trim() !== "" && Number.isFinite(Number(value)) ? value : JSON.stringify(value);
  return String(value);
}

// src/time/units.ts
var PPQ = 960;
var TEMPO = Object.freeze({ min: 20, max: 400, default: 120, unit: "BPM" });
var TICKS_PER_CLOCK = PPQ / 24;
var STEPS_PER_BEAT = 4;
var TICKS_PER_STEP = PPQ / STEPS_PER_BEAT;
var FOUR_FOUR = Object.freeze({ numerator: 4, denominator: 4 });
function ticksPerBar(meter = FOUR_FOUR) {
  return meter.numerator * PPQ * 4 / meter.denominator;
}
function stepsPerBar(meter = FOUR_FOUR) {
  return ticksPerBar(meter) / TICKS_PER_STEP;
}

// src/models/controls.ts
var SEED_MAX = 4294967295;
var CONTROLS = Object.freeze({
  style: {
    name: "style",
    flag: "genre",
    osc: "/tandem/genre",
    kind: "text",
    maxLength: 40,
    default: void 0,
    unit: "",
    doc: "genre (drums) or style (melody, bass) of the model; see tandem genres --model NAME"
  },
  density: {
    name: "density",
    flag: "density",
    osc: "/tandem/density",
    kind: "number",
    integer: false,
    min: 0,
    max: 1,
    default: 0.5,
    unit: "0..1",
    doc: "how busy: 0 sparsest, 1 busiest"
  },
  bars: {
    name: "bars",
    flag: "bars",
    osc: "/tandem/bars",
    kind: "number",
    integer: true,
    min: 1,
    max: 64,
    default: 8,
    unit: "bars",
    doc: "length of a suggestion in bars (primer bars included)"
  },
  temperature: {
    name: "temperature",
    flag: "temperature",
    osc: "/tandem/temperature",
    kind: "number",
    integer: false,
    min: 0.05,
    max: 3,
    default: 1,
    unit: "",
    doc: "sampling temperature: 1 as learned, lower safer, higher wilder"
  },
  seed: {
    name: "seed",
    flag: "seed",
    osc: "/tandem/seed",
    kind: "number",
    integer: true,
    min: 0,
    max: SEED_MAX,
    default: 0,
    unit: "0..2^32-1",
    doc: "same settings + same seed = same notes"
  },
  count: {
    name: "count",
    flag: "count",
    osc: void 0,
    kind: "number",
    integer: true,
    min: 1,
    max: 64,
    default: 1,
    unit: "",
    doc: "variations generated in one batch"
  },
  fillEvery: {
    name: "fillEvery",
    flag: "fill-every",
    osc: "/tandem/fill",
    kind: "number",
    integer: true,
    min: 0,
    max: 64,
    default: 0,
    unit: "bars",
    doc: "a fill every N bars, 0 for none"
  },
  key: {
    name: "key",
    flag: "key",
    osc: "/tandem/key",
    kind: "text",
    maxLength: 24,
    default: void 0,
    unit: "",
    doc: 'key, like "D major" or "A minor" (default: a usual key of the style)'
  },
  chords: {
    name: "chords",
    flag: "chords",
    osc: "/tandem/chords",
    kind: "text",
    maxLength: 400,
    default: void 0,
    unit: "",
    doc: 'one chord symbol per bar, repeated to the length: "C G Am F", F#m7, Bb/D, N.C.; or bars split by | into 1, 2 or 4 chords: "| C G/B | Am F |" (3/4: 1 or 3, 6/8: 1 or 2) (default: the model chooses)'
  }
});
var seedToInt32 = (seed) => seed | 0;
var seedFromInt32 = (i) => i >>> 0;

// src/music/chords.ts
var NO_CHORD = Object.freeze({ symbol: "N.C.", root: -1, bass: -1, pitchClasses: [] });
var QUALITIES = [
  [
    ["", "maj", "M"],
    [0, 4, 7]
  ],
  [
    ["m", "min", "-"],
    [0, 3, 7]
  ],
  [
    ["7", "dom7"],
    [0, 4, 7, 10]
  ],
  [
    ["maj7", "M7", "\u0394", "\u03947"],
    [0, 4, 7, 11]
  ],
  [
    ["m7", "min7", "-7"],
    [0, 3, 7, 10]
  ],
  [
    ["dim", "o", "\xB0"],
    [0, 3, 6]
  ],
  [
    ["dim7", "o7", "\xB07"],
    [0, 3, 6, 9]
  ],
  [
    ["m7b5", "hdim7", "hdim", "\xF8", "\xF87", "min7b5"],
    [0, 3, 6, 10]
  ],
  [
    ["aug", "+"],
    [0, 4, 8]
  ],
  [["sus2"], [0, 2, 7]],
  [
    ["sus4", "sus"],
    [0, 5, 7]
  ],
  [
    ["7sus4", "sus4(b7)", "7sus"],
    [0, 5, 7, 10]
  ],
  [
    ["6", "maj6"],
    [0, 4, 7, 9]
  ],
  [
    ["m6", "min6"],
    [0, 3, 7, 9]
  ],
  [
    ["9", "7(9)"],
    [0, 2, 4, 7, 10]
  ],
  [
    ["m9", "min9"],
    [0, 2, 3, 7, 10]
  ],
  [["maj9"], [0, 2, 4, 7, 11]],
  [
    ["add9", "maj(9)", "(9)"],
    [0, 2, 4, 7]
  ],
  [
    ["mMaj7", "minmaj7", "mM7", "m(maj7)"],
    [0, 3, 7, 11]
  ],
  [["5"], [0, 7]]
];
var QUALITY = /* @__PURE__ */ new Map();
for (const [names, iv] of QUALITIES) for (const n of names) QUALITY.set(n, iv);
var LETTER = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
function pitchClassOf(name) {
  const m = /^([A-Ga-g])((?:#|b|♯|♭){0,2})$/.exec(name.trim());
  if (!m) return void 0;
  let pc = LETTER[m[1].toUpperCase()];
  for (const acc of m[2]) pc += acc === "#" || acc === "\u266F" ? 1 : -1;
  return (pc % 12 + 12) % 12;
}
var DEGREE = { "1": 0, "2": 2, "3": 4, "4": 5, "5": 7, "6": 9, "7": 11, "9": 2 };
function degreeSemitones(d) {
  const m = /^(b|#)?(\d)$/.exec(d);
  if (!m || DEGREE[m[2]] === void 0) return void 0;
  return DEGREE[m[2]] + (m[1] === "b" ? -1 : m[1] === "#" ? 1 : 0);
}
var CHORD_SYNTAX = "a chord symbol such as C, Am, F#m7, Bbmaj7, G7, Bdim, Esus4, C/E or N.C.";
function parseChordSymbol(symbol, field = "chord") {
  const s = symbol.trim();
  if (/^(n\.?c\.?|n)$/i.test(s)) return NO_CHORD;
  const m = /^([A-G](?:#|b|♯|♭){0,2})(:?)(.*)$/.exec(s);
  if (!m) throw new InvalidValueError(field, symbol, CHORD_SYNTAX);
  const root = pitchClassOf(m[1]);
  let rest = m[3];
  let bass = root;
  const slash = rest.lastIndexOf("/");
  if (slash >= 0) {
    const b = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
    const asName = pitchClassOf(b);
    const asDegree = degreeSemitones(b);
    if (asName !== void 0) bass = asName;
    else if (asDegree !== void 0) bass = (root + asDegree + 12) % 12;
    else throw new InvalidValueError(field, symbol, CHORD_SYNTAX);
  }
  const iv = QUALITY.get(rest);
  if (!iv) throw new InvalidValueError(field, symbol, CHORD_SYNTAX);
  const pcs = new Set(iv.map((i) => (root + i) % 12));
  pcs.add(bass);
  return { symbol: s, root, bass, pitchClasses: [...pcs].sort((a, b) => a - b) };
}
var MAX_PROGRESSION = 64;
var MAX_CHORDS_PER_BAR = 4;
var PROGRESSION_SYNTAX = 'one chord symbol per bar ("C G Am F"), or bars separated by | with 1, 2 or 4 chords splitting a 4/4 bar evenly ("| C G/B | Am F |"; 3/4: 1 or 3, 6/8: 1 or 2)';
function parseChordProgression(text, field = "chords") {
  let bars;
  if (text.includes("|")) {
    const cells = text.split("|");
    if (cells.length > 1 && cells[0].trim() === "") cells.shift();
    if (cells.length > 1 && cells[cells.length - 1].trim() === "") cells.pop();
    bars = cells.map((c) => c.split(/[\s,]+/).filter((x) => x !== ""));
    const empty = bars.findIndex((b) => b.length === 0);
    if (empty >= 0) throw new InvalidValueError(field, text, `bars of 1 to ${MAX_CHORDS_PER_BAR} chords (bar ${empty + 1} is empty): ${PROGRESSION_SYNTAX}`);
    const crowded = bars.findIndex((b) => b.length > MAX_CHORDS_PER_BAR);
    if (crowded >= 0)
      throw new InvalidValueError(
        field,
        `bar ${crowded + 1}: ${bars[crowded].join(" ")}`,
        `at most ${MAX_CHORDS_PER_BAR} chords in a bar: ${PROGRESSION_SYNTAX}`
      );
  } else
    bars = text.split(/[\s,]+/).filter((x) => x !== "").map((sym) => [sym]);
  if (bars.length === 0) throw new InvalidValueError(field, text, `${PROGRESSION_SYNTAX} (${CHORD_SYNTAX})`);
  if (bars.length > MAX_PROGRESSION)
    throw new InvalidValueError(field, `${bars.length} bars`, `at most ${MAX_PROGRESSION} bars of chords (repeated to the length)`);
  return bars.map((b) => b.map((sym) => parseChordSymbol(sym, field)));
}
var MODES = ["major", "minor", "dorian", "mixolydian"];
var MODE_NAMES = {
  "": "major",
  maj: "major",
  major: "major",
  ionian: "major",
  m: "minor",
  min: "minor",
  minor: "minor",
  aeolian: "minor",
  aeo: "minor",
  dor: "dorian",
  dorian: "dorian",
  mix: "mixolydian",
  mixolydian: "mixolydian"
};
var KEY_SYNTAX = 'a key such as "D major", "A minor", "Em", "F# dorian" or "G mixolydian"';
function parseKey(text, field = "key") {
  var _a2;
  const m = /^\s*([A-Ga-g](?:#|b|♯|♭)?)\s*:?\s*([A-Za-z]*)\s*$/.exec(text);
  const tonic = m ? pitchClassOf(m[1]) : void 0;
  const mode = m ? (_a2 = MODE_NAMES[m[2].toLowerCase()]) != null ? _a2 : m[2] === "m" ? "minor" : void 0 : void 0;
  if (tonic === void 0 || mode === void 0) throw new InvalidValueError(field, text, KEY_SYNTAX);
  return { tonic, mode };
}

// src/models/melody/picture.ts
var NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
var noteName = (p) => `${NAMES[p % 12]}${Math.floor(p / 12) - 1}`;
function linePicture(seq, bars = 2) {
  var _a2, _b2, _c;
  const meter = (_b2 = (_a2 = seq.meters[0]) == null ? void 0 : _a2.meter) != null ? _b2 : { numerator: 4, denominator: 4 };
  const spb = ticksPerBar(meter) / TICKS_PER_STEP;
  const steps = spb * bars;
  const notes = seq.notes.filter((n) => n.startTicks < steps * TICKS_PER_STEP);
  if (notes.length === 0) return "(no notes in the first bars)";
  const pitches = [...new Set(notes.map((n) => n.pitch))].sort((a, b) => b - a);
  const width = Math.max(...pitches.map((p) => noteName(p).length));
  const col = (s) => s + Math.floor(s / spb) + 1;
  const len = col(steps);
  const rows = pitches.map((p) => {
    const row = Array.from({ length: len }, (_, i) => i % (spb + 1) === 0 ? "|" : ".");
    for (const n of notes.filter((x) => x.pitch === p)) {
      const s = Math.round(n.startTicks / TICKS_PER_STEP);
      const e = Math.min(steps, s + Math.max(1, Math.round(n.durationTicks / TICKS_PER_STEP)));
      row[col(s)] = "o";
      for (let k = s + 1; k < e; k++) row[col(k)] = "-";
    }
    return `${noteName(p).padEnd(width)} ${row.join("")}`;
  });
  const chords = Array.from({ length: len + 1 }, () => " ");
  for (const m of (_c = seq.markers) != null ? _c : []) {
    const step = Math.round(m.ticks / TICKS_PER_STEP);
    if (step >= bars * spb || m.text.startsWith("key ")) continue;
    [...m.text.slice(0, spb)].forEach((ch, i) => chords[col(step) + i] = ch);
  }
  const head = chords.join("").trimEnd();
  return [head ? `${" ".repeat(width)} ${head}` : "", ...rows].filter((l) => l !== "").join("\n");
}

// src/models/melody/spec.ts
var PITCH_LOW = 24;
var PITCH_HIGH = 100;
var PITCHES = PITCH_HIGH - PITCH_LOW + 1;
var VOCAB = 2 + PITCHES;
var MAX_STEPS_PER_BAR = stepsPerBar(FOUR_FOUR);
var METERS = ["4/4", "3/4", "6/8"];
var METER_OF = Object.freeze({
  "4/4": FOUR_FOUR,
  "3/4": { numerator: 3, denominator: 4 },
  "6/8": { numerator: 6, denominator: 8 }
});
var STEPS_PER_BAR = Object.freeze({
  "4/4": stepsPerBar(METER_OF["4/4"]),
  "3/4": stepsPerBar(METER_OF["3/4"]),
  "6/8": stepsPerBar(METER_OF["6/8"])
});
var STYLES = ["reel", "jig", "hornpipe", "waltz", "pop", "chorale"];
var STYLE_METER = { reel: "4/4", jig: "6/8", hornpipe: "4/4", waltz: "3/4", pop: "4/4", chorale: "4/4" };
var VOICES = ["melody", "bass"];
var MELODY_INPUT = (() => {
  const prevToken = 0;
  const lastPitch = prevToken + VOCAB;
  const position = lastPitch + PITCHES;
  const meter = position + MAX_STEPS_PER_BAR;
  const chordRoot = meter + METERS.length;
  const chordTones = chordRoot + 12;
  const noChord = chordTones + 12;
  const mode = noChord + 1;
  const style = mode + MODES.length;
  const voice = style + STYLES.length;
  const density = voice + VOICES.length;
  return Object.freeze({ prevToken, lastPitch, position, meter, chordRoot, chordTones, noChord, mode, style, voice, density, size: density + 1 });
})();

// src/models/spec.ts
var COMMON_TIME = Object.freeze({ numerator: 4, denominator: 4, stepsPerBar: stepsPerBar({ numerator: 4, denominator: 4 }) });
function defineModel(spec) {
  return Object.freeze(__spreadProps(__spreadValues({}, spec), {
    styles: Object.freeze([...spec.styles]),
    controls: Object.freeze([...spec.controls]),
    implementations: Object.freeze([...spec.implementations])
  }));
}

// src/models/baseline/line-specs.ts
function lineMeter(style) {
  const m = style ? STYLE_METER[style] : void 0;
  if (!m) return COMMON_TIME;
  const [numerator, denominator] = m.split("/").map(Number);
  return { numerator, denominator, stepsPerBar: STEPS_PER_BAR[m] };
}
var LINE_CONTROLS = ["density", "bars", "temperature", "seed", "count", "key", "chords"];
var LINE_VOCABULARY = "per 16th step: hold, rest, or one of 77 key-relative pitches (network); n-gram baseline: 25 intervals x 8 gaps";
var MELODY_SPEC = defineModel({
  name: "melody",
  description: "a melody line by style, key, chords and density (monophonic)",
  styles: STYLES,
  defaultStyle: "reel",
  anyStyle: true,
  controls: LINE_CONTROLS,
  vocabulary: LINE_VOCABULARY,
  voiceRange: { low: 45, high: 96 },
  channel: 0,
  trackName: "Melody",
  meter: lineMeter,
  picture: (seq) => linePicture(seq),
  implementations: [
    { kind: "network", id: "melody-gru", artifact: { kind: "layers", dir: "melody" } },
    { kind: "baseline", id: "melody-ngram", artifact: { kind: "json", file: "baseline/melody-ngram.json" } }
  ]
});
var BASS_SPEC = defineModel({
  name: "bass",
  description: "a bass line by style, key, chords and density (monophonic)",
  styles: STYLES,
  defaultStyle: "pop",
  anyStyle: true,
  controls: LINE_CONTROLS,
  vocabulary: LINE_VOCABULARY,
  voiceRange: { low: 23, high: 72 },
  channel: 1,
  trackName: "Bass",
  meter: lineMeter,
  picture: (seq) => linePicture(seq),
  implementations: [
    { kind: "network", id: "bass-gru", artifact: { kind: "layers", dir: "melody" } },
    { kind: "baseline", id: "bass-ngram", artifact: { kind: "json", file: "baseline/bass-ngram.json" } }
  ]
});

// src/conditioning/genres.ts
var DRUM_GENRES = [
  "rock",
  "funk",
  "jazz",
  "latin",
  "hiphop",
  "soul",
  "afrocuban",
  "punk",
  "neworleans",
  "country",
  "pop",
  "reggae",
  "gospel",
  "afrobeat",
  "dance",
  "blues",
  "highlife",
  "middleeastern"
];

// src/music/drum-map.ts
var DRUM_CLASSES = ["kick", "snare", "closed-hat", "open-hat", "low-tom", "mid-tom", "high-tom", "crash", "ride"];
var NUM_DRUM_CLASSES = DRUM_CLASSES.length;
var CLASS_TO_GM_PITCH = Object.freeze([36, 38, 42, 46, 43, 47, 50, 49, 51]);
var CLASS_LABELS = Object.freeze(["KK", "SN", "CH", "OH", "LT", "MT", "HT", "CR", "RD"]);
var PITCH_TO_CLASS = /* @__PURE__ */ new Map();
var groups = [
  [0, [35, 36]],
  [1, [37, 38, 39, 40]],
  [2, [22, 42, 44]],
  [3, [26, 46]],
  [4, [41, 43, 58]],
  [5, [45, 47]],
  [6, [48, 50]],
  [7, [49, 52, 55, 57]],
  [8, [51, 53, 59]]
];
for (const [cls, pitches] of groups) for (const p of pitches) PITCH_TO_CLASS.set(p, cls);
function drumClassOfPitch(pitch) {
  return PITCH_TO_CLASS.get(pitch);
}

// src/music/sequence.ts
var DRUM_CHANNEL = 9;

// src/tokens/drum-grid.ts
var emptyGrid = (steps) => ({
  steps,
  velocity: new Uint8Array(steps * NUM_DRUM_CLASSES),
  offset: new Float32Array(steps * NUM_DRUM_CLASSES)
});
function quantizeDrums(notes, totalSteps) {
  let maxStep = 0;
  for (const n of notes) maxStep = Math.max(maxStep, Math.round(n.startTicks / TICKS_PER_STEP));
  const steps = totalSteps != null ? totalSteps : maxStep + 1;
  const grid = emptyGrid(steps);
  let unmapped = 0;
  for (const n of notes) {
    const cls = drumClassOfPitch(n.pitch);
    if (cls === void 0) {
      unmapped++;
      continue;
    }
    const exact = n.startTicks / TICKS_PER_STEP;
    const step = Math.round(exact);
    if (step < 0 || step >= steps) continue;
    const i = step * NUM_DRUM_CLASSES + cls;
    if (n.velocity > grid.velocity[i]) {
      grid.velocity[i] = Math.max(1, Math.min(127, n.velocity));
      grid.offset[i] = Math.max(-0.5, Math.min(0.5, exact - step));
    }
  }
  return { grid, unmapped };
}
function drawGrid(grid, labels, meter = FOUR_FOUR) {
  const per = stepsPerBar(meter);
  const rows = [];
  for (let c = NUM_DRUM_CLASSES - 1; c >= 0; c--) {
    let row = `${labels[c]} |`;
    for (let s = 0; s < grid.steps; s++) {
      const v = grid.velocity[s * NUM_DRUM_CLASSES + c];
      row += v === 0 ? "." : v < 60 ? "o" : "x";
      if ((s + 1) % per === 0) row += "|";
    }
    rows.push(row);
  }
  return rows.join("\n");
}

// src/models/drums/model-spec.ts
var DRUMS_SPEC = defineModel({
  name: "drums",
  description: "drum grooves by genre and density (General MIDI kit, 9 classes, 16th grid with micro-timing)",
  styles: DRUM_GENRES,
  defaultStyle: "rock",
  anyStyle: true,
  controls: ["density", "bars", "temperature", "seed", "count", "fillEvery"],
  vocabulary: "512 hit patterns of 9 drum classes per 16th step, with velocity and micro-timing per hit",
  voiceRange: { low: Math.min(...CLASS_TO_GM_PITCH), high: Math.max(...CLASS_TO_GM_PITCH) },
  channel: DRUM_CHANNEL,
  trackName: "Drums",
  picture: (seq) => drawGrid(quantizeDrums(seq.notes, Math.min(32, Math.round(seq.totalTicks / TICKS_PER_STEP))).grid, CLASS_LABELS),
  implementations: [
    { kind: "network", id: "drums-gru", artifact: { kind: "layers", dir: "drums" } },
    { kind: "baseline", id: "drums-ngram", artifact: { kind: "json", file: "baseline/drums-ngram.json" } }
  ]
});

// src/models/registry.ts
var MODEL_SPECS = Object.freeze([DRUMS_SPEC, MELODY_SPEC, BASS_SPEC]);
var MODEL_NAMES = Object.freeze(MODEL_SPECS.map((s) => s.name));
var DEFAULT_MODEL = MODEL_NAMES[0];
var HARMONY = Object.freeze({ key: (t) => parseKey(t), chords: (t) => parseChordProgression(t) });
function modelSpec(name) {
  const n = typeof name === "string" ? name.trim().toLowerCase() : name;
  const spec = MODEL_SPECS.find((s) => s.name === n);
  if (!spec) throw new InvalidValueError("model", name, `one of ${MODEL_NAMES.join(", ")}`);
  return spec;
}

// max-device/src/parameters.ts
var UNIT_STYLE = Object.freeze({ int: 0, float: 1, percent: 5 });
var GENRE_ITEMS = Object.freeze([...new Set(MODEL_SPECS.flatMap((m) => [...m.styles, ...m.anyStyle ? ["any"] : []]))]);
var MODEL_ITEMS = MODEL_NAMES;
var KEY_ITEMS = Object.freeze([
  "from Set",
  ...["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"].flatMap((r) => [`${r} major`, `${r} minor`])
]);
function fromTable(name) {
  const c = CONTROLS[name];
  if (c.kind !== "number") throw new Error(`${name} is not a number control`);
  return { min: c.min, max: c.max, initial: c.default };
}
var PARAMETERS = Object.freeze({
  model: { longname: "Model", shortname: "Model", message: "model", type: "enum", items: MODEL_ITEMS, initial: 0 },
  genre: {
    longname: "Genre",
    shortname: "Genre",
    message: "genre",
    type: "enum",
    items: GENRE_ITEMS,
    initial: GENRE_ITEMS.indexOf(MODEL_SPECS[0].defaultStyle)
  },
  density: {
    longname: "Density",
    shortname: "Density",
    message: "density",
    type: "float",
    min: fromTable("density").min * 100,
    max: fromTable("density").max * 100,
    initial: fromTable("density").initial * 100,
    unitstyle: UNIT_STYLE.percent
  },
  temperature: __spreadProps(__spreadValues({ longname: "Temperature", shortname: "Temp", message: "temperature", type: "float" }, fromTable("temperature")), { unitstyle: UNIT_STYLE.float }),
  bars: __spreadProps(__spreadValues({ longname: "Bars", shortname: "Bars", message: "bars", type: "int" }, fromTable("bars")), { unitstyle: UNIT_STYLE.int }),
  fill: __spreadProps(__spreadValues({ longname: "Fill every", shortname: "Fill", message: "fill", type: "int" }, fromTable("fillEvery")), { unitstyle: UNIT_STYLE.int }),
  key: { longname: "Key", shortname: "Key", message: "key", type: "enum", items: KEY_ITEMS, initial: 0 },
  follow: { longname: "Follow transport", shortname: "Follow", message: "follow", type: "enum", items: ["off", "on"], initial: 0 },
  generate: { longname: "Generate", shortname: "Generate", message: "generate", type: "enum", items: ["off", "on"], initial: 0 },
  write: { longname: "Write clip", shortname: "Write", message: "write", type: "enum", items: ["off", "on"], initial: 0 },
  continue: { longname: "Continue", shortname: "Continue", message: "readclip", type: "enum", items: ["off", "on"], initial: 0 }
});

// max-device/src/client/device-controls.ts
function applyControl(settings, name, v) {
  if (name === "model" || name === "genre") {
    const items = name === "model" ? MODEL_ITEMS : GENRE_ITEMS;
    let item;
    if (typeof v === "number" && Number.isInteger(v)) item = items[v];
    else if (typeof v === "string") item = items.find((x) => x === v.toLowerCase());
    if (item === void 0) return { error: `${name} must be an index 0..${items.length - 1} or one of ${items.join(", ")}, got ${JSON.stringify(v)}` };
    settings[name] = item;
    return { send: [`/tandem/${name}`, { s: item }] };
  }
  if (name === "follow") {
    if (v !== 0 && v !== 1) return { error: `follow must be 0 or 1, got ${JSON.stringify(v)}` };
    settings.follow = v === 1;
    return { send: ["/tandem/follow", { i: v }] };
  }
  if (name === "key") {
    if (!(typeof v === "number" && Number.isInteger(v) && v >= 0 && v < KEY_ITEMS.length))
      return { error: `key must be an index 0..${KEY_ITEMS.length - 1}, got ${JSON.stringify(v)}` };
    settings.key = v === 0 ? "" : KEY_ITEMS[v];
    return {};
  }
  const spec = PARAMETERS[name];
  const unit = name === "density" ? " %" : "";
  if (typeof v !== "number" || !Number.isFinite(v) || v < spec.min || v > spec.max)
    return { error: `${name} must be between ${spec.min} and ${spec.max}${unit}, got ${JSON.stringify(v)}` };
  if (spec.type === "int" && !Number.isInteger(v)) return { error: `${name} must be a whole number, got ${v}` };
  if (name === "density") {
    settings.density = Math.round(v * 10) / 1e3;
    return { send: ["/tandem/density", { f: settings.density }] };
  }
  if (name === "temperature") {
    settings.temperature = v;
    return { send: ["/tandem/temperature", { f: v }] };
  }
  settings[name] = v;
  return { send: [name === "bars" ? "/tandem/bars" : "/tandem/fill", { i: v }] };
}

// src/music/clip-primer.ts
var PRIMER_LIMITS = Object.freeze({ chunks: 64, notesPerChunk: 32, beats: 1024, keepSeconds: 60 });

// max-device/src/client/clip-primer.ts
var ClipReadAssembler = class {
  constructor() {
    __publicField(this, "clip");
    __publicField(this, "bad");
  }
  /** Takes one `primer` message; at `end`, the clip or the problem. */
  take(args) {
    var _a2, _b2;
    const [what, ...rest] = args;
    if (what === "begin") {
      const length = rest[0];
      this.bad = typeof length === "number" && Number.isFinite(length) && length > 0 ? void 0 : `the clip's length must be more than 0 beats, got ${JSON.stringify(length)}`;
      this.clip = { name: rest.slice(1).map(String).join(" "), lengthBeats: Number(length), notes: [] };
      return void 0;
    }
    if (what === "notes") {
      if (!this.clip) return { problem: "the clip reader sent notes before begin" };
      if (rest.length % 4 !== 0) (_a2 = this.bad) != null ? _a2 : this.bad = `notes come in fours (pitch, start, duration, velocity), got ${rest.length} values`;
      for (let i = 0; i + 3 < rest.length; i += 4) {
        const [pitch, start, duration, velocity] = rest.slice(i, i + 4).map(Number);
        const ok = Number.isInteger(pitch) && pitch >= 0 && pitch <= 127 && start >= 0 && start < this.clip.lengthBeats && duration > 0 && velocity >= 1 && velocity <= 127;
        if (ok) this.clip.notes.push({ pitch, startBeats: start, durationBeats: duration, velocity: Math.round(velocity) });
        else
          (_b2 = this.bad) != null ? _b2 : this.bad = `a note must have pitch 0-127, a start inside the clip, a duration above 0 and velocity 1-127, got ${JSON.stringify(rest.slice(i, i + 4))}`;
      }
      return void 0;
    }
    if (what === "end") {
      const clip = this.clip;
      this.clip = void 0;
      if (!clip) return { problem: "the clip reader sent end before begin" };
      return this.bad ? { problem: `the clip "${clip.name}" could not be read: ${this.bad}` } : clip;
    }
    return { problem: `primer takes begin, notes or end, got ${JSON.stringify(what)}` };
  }
};
function barBeats(model, style) {
  var _a2, _b2, _c;
  return ((_c = (_b2 = (_a2 = modelSpec(model)).meter) == null ? void 0 : _b2.call(_a2, style === "any" ? void 0 : style)) != null ? _c : COMMON_TIME).stepsPerBar / 4;
}
function clipToSend(clip, bar, maxBars) {
  if (maxBars < 1) throw new Error("set Bars to 2 or more to continue a clip (the clip's bars are part of the suggestion)");
  const whole = Math.floor(clip.lengthBeats / bar + 1e-9);
  if (whole < 1) throw new Error(`the clip "${clip.name}" is ${clip.lengthBeats} beats long; Continue needs at least one whole bar (${bar} beats)`);
  const bars = Math.min(whole, maxBars);
  const from = clip.lengthBeats - bars * bar;
  const notes = clip.notes.filter((n) => n.startBeats >= from - 1e-9).map((n) => __spreadProps(__spreadValues({}, n), { startBeats: Math.max(0, n.startBeats - from) }));
  if (notes.length === 0) throw new Error(`the clip "${clip.name}" has no notes in its last ${bars === 1 ? "bar" : `${bars} bars`}: nothing to continue`);
  const most = PRIMER_LIMITS.chunks * PRIMER_LIMITS.notesPerChunk;
  if (notes.length > most)
    throw new Error(`the clip "${clip.name}" has ${notes.length} notes in its last ${bars} bars; Continue takes at most ${most}: shorten its loop`);
  return { notes, lengthBeats: bars * bar, bars };
}
function primerMessages(id, clip) {
  const per = PRIMER_LIMITS.notesPerChunk;
  const chunks = Math.max(1, Math.ceil(clip.notes.length / per));
  const out = [];
  for (let k = 0; k < chunks; k++) {
    const notes = clip.notes.slice(k * per, (k + 1) * per).flatMap((n) => [{ i: n.pitch }, { f: n.startBeats }, { f: n.durationBeats }, { i: n.velocity }]);
    out.push([{ i: id }, { i: k }, { i: chunks }, { f: clip.lengthBeats }, ...notes]);
  }
  return out;
}

// max-device/src/client/bridge-connection.ts
var BridgeConnection = class {
  constructor(link, opts, hooks) {
    __publicField(this, "link", link);
    __publicField(this, "opts", opts);
    __publicField(this, "hooks", hooks);
    __publicField(this, "phase", "idle");
    __publicField(this, "pongWaiters", []);
    __publicField(this, "heartbeat");
    __publicField(this, "missedPings", 0);
    /** The bridge was lost after connecting: the heartbeat keeps pinging while failed, to find it again. */
    __publicField(this, "lostBridge", false);
    __publicField(this, "bridgeNote");
    __publicField(this, "bridge");
    __publicField(this, "closed", false);
  }
  /** The note a bridge started here printed while starting (no Chromium found, a model fallback, ...). */
  get note() {
    return this.bridgeNote;
  }
  /** The process id of the bridge this device started (the last one), if it did. */
  get startedPid() {
    var _a2;
    return (_a2 = this.bridge) == null ? void 0 : _a2.pid;
  }
  /** Finds the bridge, or starts one. */
  async connect(why) {
    this.phase = "connecting";
    this.hooks.status(`${why ? `${why}; ` : ""}looking for the Tandem bridge on 127.0.0.1:${this.opts.port}\u2026`);
    if (await this.ping(this.opts.pingTimeoutMs)) return this.connected("found");
    if (this.closed) return;
    if (!this.opts.launch)
      return this.fail(`no Tandem bridge answers on 127.0.0.1:${this.opts.port}; start it with: npx tandem serve --osc-port ${this.opts.port}`);
    await this.launch();
  }
  /** A `/tandem/pong` arrived. */
  pong() {
    this.missedPings = 0;
    for (const w of this.pongWaiters.splice(0)) w();
    if (this.phase === "failed" && this.lostBridge) this.connected("found");
  }
  /** Stops the heartbeat. A bridge started here keeps running for other devices until its lease ends. */
  close() {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
  }
  /** Fails with `reason` on the status line. */
  fail(reason) {
    this.phase = "failed";
    this.hooks.error(reason);
  }
  /** The bridge was lost (no pongs, or the one this client started exited): find it again or start one. */
  reconnect(why) {
    if (this.closed || this.phase !== "connected") return;
    this.lostBridge = true;
    void this.connect(why);
  }
  ping(timeoutMs) {
    return new Promise((resolve2) => {
      const done = (ok) => {
        clearTimeout(timer);
        this.pongWaiters = this.pongWaiters.filter((w) => w !== onPong);
        resolve2(ok);
      };
      const onPong = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.pongWaiters.push(onPong);
      this.link.send("/tandem/ping");
    });
  }
  async launch() {
    var _a2;
    const config2 = (_a2 = this.opts.config) != null ? _a2 : readLaunchConfig();
    if (config2.problem) return this.fail(config2.problem);
    const node = findNode(config2, this.opts.nodeCandidates);
    if ("reason" in node) return this.fail(node.reason);
    const home = findTandemHome(config2, this.opts.scriptDir);
    if ("reason" in home) return this.fail(home.reason);
    this.phase = "launching";
    this.hooks.status(`starting the Tandem bridge (Node ${node.version}) from ${home.home}\u2026`);
    const bridge = new BridgeProcess({ node: node.path, bin: home.bin, home: home.home, port: this.opts.port, leaseMs: this.opts.leaseMs });
    this.bridge = bridge;
    let exited;
    bridge.on("line", (line) => {
      this.hooks.log(`bridge: ${line}`);
      if (this.phase === "launching" && line.startsWith("tandem: ") && !line.includes("OSC bridge on") && !portWasTaken([line])) {
        this.bridgeNote = line.slice("tandem: ".length);
        this.hooks.status(this.bridgeNote);
      }
    });
    let clash = false;
    bridge.on("exit", (code, signal, lastLines) => {
      const why = `the Tandem bridge exited (${signal != null ? signal : `code ${code}`})${lastLines.length ? `: ${lastLines[lastLines.length - 1]}` : ""}`;
      exited = why;
      clash = portWasTaken(lastLines);
      if (this.closed || this.bridge !== bridge || clash) return;
      if (this.phase === "connected") this.reconnect(why);
    });
    const deadline = Date.now() + this.opts.startTimeoutMs;
    let waitingSaid = false;
    while (!this.closed && Date.now() < deadline) {
      if (exited && !clash) return this.fail(exited);
      if (clash && !waitingSaid) {
        waitingSaid = true;
        this.hooks.status(`another device is starting the Tandem bridge on 127.0.0.1:${this.opts.port}; waiting for it\u2026`);
      }
      if (await this.ping(this.opts.pingTimeoutMs)) return this.connected(clash ? "found" : "started");
    }
    if (!this.closed) {
      bridge.stop();
      this.fail(`the Tandem bridge started but did not answer on 127.0.0.1:${this.opts.port} within ${Math.round(this.opts.startTimeoutMs / 1e3)} s`);
    }
  }
  connected(how) {
    var _a2, _b2;
    this.phase = "connected";
    this.lostBridge = false;
    this.hooks.connected(how);
    if (this.opts.heartbeatMs > 0 && !this.heartbeat) {
      this.heartbeat = setInterval(() => {
        if (this.phase === "failed" && this.lostBridge) return this.link.send("/tandem/ping");
        if (this.phase !== "connected") return;
        if (++this.missedPings > 2) {
          this.missedPings = 0;
          this.reconnect(`the Tandem bridge stopped answering on 127.0.0.1:${this.opts.port}`);
          return;
        }
        this.link.send("/tandem/ping");
      }, this.opts.heartbeatMs);
      (_b2 = (_a2 = this.heartbeat).unref) == null ? void 0 : _b2.call(_a2);
    }
  }
};

// max-device/src/miditool/parameters.ts
var SEED = Object.freeze({
  longname: "Seed",
  shortname: "Seed",
  message: "seed",
  type: "float",
  min: 0,
  max: 9999,
  initial: 0,
  unitstyle: UNIT_STYLE.int
});
var GENERATE_PARAMETERS = Object.freeze({
  model: PARAMETERS.model,
  genre: PARAMETERS.genre,
  density: PARAMETERS.density,
  temperature: PARAMETERS.temperature,
  fill: PARAMETERS.fill,
  seed: SEED,
  bars: Object.freeze(__spreadProps(__spreadValues({}, PARAMETERS.bars), { initial: 4 }))
});
var HUMANIZE_GENRES = Object.freeze([...DRUM_GENRES, "any"]);
var HUMANIZE_PARAMETERS = Object.freeze({
  genre: Object.freeze({
    longname: "Genre",
    shortname: "Genre",
    message: "genre",
    type: "enum",
    items: HUMANIZE_GENRES,
    initial: HUMANIZE_GENRES.indexOf("rock")
  }),
  amount: Object.freeze({
    longname: "Amount",
    shortname: "Amount",
    message: "amount",
    type: "float",
    min: 0,
    max: 100,
    initial: 100,
    unitstyle: UNIT_STYLE.percent
  }),
  seed: SEED
});

// max-device/src/miditool/live-dicts.ts
var ToolRequestError = class extends TandemError {
};
var finite = (v) => typeof v === "number" && Number.isFinite(v);
var MODES2 = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10]
};
var KEY_NAMES = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
function setScale(scale) {
  if (!scale || scale.scale_mode !== 1) return void 0;
  const root = scale.root_note;
  const iv = typeof scale.scale_intervals === "number" ? [scale.scale_intervals] : scale.scale_intervals;
  if (!(finite(root) && Number.isInteger(root) && root >= 0 && root <= 11))
    throw new ToolRequestError(`scale.root_note must be 0..11, got ${JSON.stringify(root)}`);
  if (!Array.isArray(iv) || iv.length === 0 || !iv.every((i) => finite(i) && Number.isInteger(i) && i >= 0 && i < 12))
    throw new ToolRequestError(`scale.scale_intervals must be semitones 0..11, got ${JSON.stringify(iv)}`);
  let best = "major";
  let bestShared = -1;
  for (const [mode, steps] of Object.entries(MODES2)) {
    const shared = steps.filter((s) => iv.includes(s)).length - steps.filter((s) => !iv.includes(s)).length;
    if (shared > bestShared) [best, bestShared] = [mode, shared];
  }
  return { key: `${KEY_NAMES[root]} ${best}`, pitchClasses: [...new Set(iv.map((i) => (root + i) % 12))].sort((a, b) => a - b) };
}

// max-device/src/client/meter.ts
var LIVE_DENOMINATORS = Object.freeze([1, 2, 4, 8, 16]);
var meterName = (m) => `${m.numerator}/${m.denominator}`;
var barBeatsOf = (m) => m.numerator * 4 / m.denominator;
function modelMeter(model, style) {
  var _a2, _b2, _c;
  return (_c = (_b2 = (_a2 = modelSpec(model)).meter) == null ? void 0 : _b2.call(_a2, style === "any" ? void 0 : style)) != null ? _c : COMMON_TIME;
}
function readMeter(args) {
  const [numerator, denominator] = args;
  const ok = args.length === 2 && typeof numerator === "number" && Number.isInteger(numerator) && numerator >= 1 && numerator <= 99 && typeof denominator === "number" && LIVE_DENOMINATORS.includes(denominator);
  if (!ok)
    return {
      problem: `the Set's time signature must be a numerator 1-99 and a denominator of ${LIVE_DENOMINATORS.join(", ")}, got ${JSON.stringify(args)}`
    };
  return { numerator, denominator };
}
function fitMeter(set, model, style) {
  const own = modelMeter(model, style);
  const ownBar = barBeatsOf(own);
  const setBar = barBeatsOf(set);
  if (Math.abs(ownBar - setBar) < 1e-9) return { barBeats: setBar, fits: true };
  const styles = modelSpec(model).styles.filter((s) => Math.abs(barBeatsOf(modelMeter(model, s)) - setBar) < 1e-9);
  const instead = styles.length ? `pick a style in ${meterName(set)} (${styles.join(", ")}) or set Live to ${meterName(own)}` : `set Live to ${meterName(own)} for bars that line up`;
  return {
    barBeats: ownBar,
    fits: false,
    note: `Live's time signature is ${meterName(set)} but ${model} ${style} plays ${meterName(own)}: its ${ownBar}-beat bars run across the Set's ${setBar}-beat bars (${instead})`,
    tag: `${meterName(own)} over the Set's ${meterName(set)}`
  };
}

// max-device/src/client/live-set.ts
var LiveSetContext = class {
  constructor(lines) {
    __publicField(this, "lines", lines);
    /** The key of the Set's scale while its Scale Mode is on (Song.root_note, scale_intervals, scale_mode). */
    __publicField(this, "key");
    /** The Set's time signature (Song.signature_numerator / signature_denominator), once the Live reader sent it. */
    __publicField(this, "meter");
    /** The line about a Live without Song.scale_mode was posted (once a session). */
    __publicField(this, "scaleModeSaid", false);
    /** Meter mismatches already shown (`3/4 4/4`: the Set's, the model's), each once a session. */
    __publicField(this, "meterSaid", /* @__PURE__ */ new Set());
    /** The status line shows a line about the meter (the client clears it when it shows another). */
    __publicField(this, "meterNoteShown", false);
  }
  /** `scale <mode 1|0|-1> <root 0-11> <interval>...`: the Set's key while Scale Mode is on. */
  onScale(v) {
    var _a2;
    const [mode, root, ...intervals] = v;
    try {
      this.key = (_a2 = setScale({ scale_mode: mode === 1 ? 1 : 0, root_note: root, scale_intervals: intervals })) == null ? void 0 : _a2.key;
    } catch (err) {
      this.key = void 0;
      return this.lines.error(`the Set's scale: ${err.message}`);
    }
    if (mode === -1 && !this.scaleModeSaid) {
      this.scaleModeSaid = true;
      this.lines.log("this Live has no Song.scale_mode (Live 12.1+): melody and bass use the Key menu");
    }
  }
  /** `meter <numerator> <denominator>`: the Set's time signature, now and on every change (playing or not). */
  onMeter(v, model, genre) {
    const m = readMeter(v);
    if ("problem" in m) return this.lines.error(m.problem);
    this.meter = m;
    this.sayMeter(model, genre);
  }
  /**
   * Where the model's style does not play the Set's meter, says so on the status line, once a
   * session for each pair of meters (the next suggestion's line carries a short reminder). When
   * the line shown is such a note and the meters now fit (a change passes through a meter on the
   * way: 3/4 to 6/8 notifies 6/4 first), it says they fit instead of leaving a stale note.
   */
  sayMeter(model, genre) {
    const set = this.meter;
    if (!set) return;
    const fit = fitMeter(set, model, genre);
    const own = meterName(modelMeter(model, genre));
    if (fit.fits || !fit.note) {
      if (this.meterNoteShown) this.sayLine(`Live's time signature is ${meterName(set)}: ${model} ${genre} plays ${own} bars, in step with the Set's`);
      return;
    }
    const key = `${meterName(set)} ${own}`;
    if (this.meterSaid.has(key)) return;
    this.meterSaid.add(key);
    this.sayLine(fit.note);
  }
  sayLine(text) {
    this.lines.say(text);
    this.meterNoteShown = true;
  }
  /** The key a request for `model` asks for: the Key menu's (`menuKey`), else the Set's scale's, else none (the style's usual keys). */
  keyFor(model, menuKey) {
    if (!modelSpec(model).controls.includes("key")) return "";
    return menuKey || this.key || "";
  }
};

// max-device/src/client/osc-link.ts
var import_node_dgram = require("dgram");
var import_node_events2 = require("events");

// bridge/osc/codec.ts
var import_osc_js = __toESM(require_osc(), 1);
var OscDecodeError = class extends TandemError {
  constructor(bytes, reason) {
    super(`unreadable OSC packet of ${bytes} bytes (${reason})`);
    __publicField(this, "bytes", bytes);
    __publicField(this, "reason", reason);
  }
};
function encodeMessage(address, args) {
  const m = new import_osc_js.default.TypedMessage(address, []);
  for (const a of args) {
    if ("i" in a) m.add("i", Math.round(a.i));
    else if ("f" in a) m.add("f", a.f);
    else m.add("s", a.s);
  }
  return m.pack();
}
function decodePacket(buf) {
  const packet = new import_osc_js.default.Packet();
  try {
    packet.unpack(new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
  } catch (err) {
    throw new OscDecodeError(buf.length, err.message || "broken OSC data");
  }
  const out = [];
  const walk = (v, depth) => {
    var _a2, _b2;
    if (!v || depth > 8) return;
    if (v.bundleElements) for (const e of v.bundleElements) walk(e, depth + 1);
    else if (typeof v.address === "string") out.push({ address: v.address, types: ((_a2 = v.types) != null ? _a2 : "").replace(/^,/, ""), args: (_b2 = v.args) != null ? _b2 : [] });
  };
  walk(packet.value, 0);
  if (out.length === 0) throw new OscDecodeError(buf.length, "not an OSC message");
  return out;
}
function decodeMessage(buf) {
  return decodePacket(buf)[0];
}

// max-device/src/client/osc-link.ts
var OscLink = class extends import_node_events2.EventEmitter {
  /** @param bridgePort the bridge's UDP port on 127.0.0.1 */
  constructor(bridgePort) {
    super();
    __publicField(this, "bridgePort", bridgePort);
    __publicField(this, "socket");
    __publicField(this, "foreign", 0);
  }
  /** Packets dropped because they did not come from the bridge's address and port. */
  get foreignPackets() {
    return this.foreign;
  }
  /** Binds an ephemeral port on 127.0.0.1; the bridge replies to it. */
  open() {
    return new Promise((resolve2, reject) => {
      const s = (0, import_node_dgram.createSocket)("udp4");
      s.once("error", reject);
      s.on("message", (buf, from) => {
        if (from.address !== "127.0.0.1" || from.port !== this.bridgePort) {
          if (this.foreign++ === 0)
            this.emit(
              "error",
              new Error(
                `ignored a packet from ${from.address}:${from.port}: only the bridge on 127.0.0.1:${this.bridgePort} is listened to (further ones are counted in foreignPackets)`
              )
            );
          return;
        }
        let msg;
        try {
          msg = decodeMessage(buf);
        } catch (err) {
          this.emit("error", new Error(`unreadable OSC packet of ${buf.length} bytes from the bridge (${err.message})`));
          return;
        }
        try {
          this.emit("message", msg);
        } catch (err) {
          this.emit("error", new Error(`handling ${msg.address} failed: ${err.message}`));
        }
      });
      s.bind(0, "127.0.0.1", () => {
        s.off("error", reject);
        s.on("error", (err) => this.emit("error", err));
        this.socket = s;
        resolve2();
      });
    });
  }
  /** Sends one message to the bridge (dropped silently by UDP if nobody listens). */
  send(address, ...args) {
    var _a2;
    (_a2 = this.socket) == null ? void 0 : _a2.send(encodeMessage(address, args), this.bridgePort, "127.0.0.1");
  }
  close() {
    return new Promise((resolve2) => {
      if (!this.socket) return resolve2();
      this.socket.close(() => resolve2());
      this.socket = void 0;
    });
  }
};

// max-device/src/client/player.ts
var PATCH_TICKS_PER_BEAT = 480;
var STEP_TICKS = PATCH_TICKS_PER_BEAT / 4;
var SLOTS = 3;
var SILENT_SLOT = SLOTS;
var MAX_NOTES_PER_STEP = 64;
var PLAYER_DEFAULTS = Object.freeze({ marginMs: 250, beatsPerBar: 4 });
var PatchPlayer = class {
  constructor(opts = {}) {
    __publicField(this, "opts");
    __publicField(this, "now");
    /** What plays before `next.switchTicks` (or for good when nothing is pending). */
    __publicField(this, "current");
    __publicField(this, "next");
    __publicField(this, "last");
    const _a2 = opts, { now } = _a2, rest = __objRest(_a2, ["now"]);
    this.opts = __spreadValues(__spreadValues({}, PLAYER_DEFAULTS), rest);
    if (!(this.opts.beatsPerBar > 0)) throw new InvalidValueError("beats per bar", this.opts.beatsPerBar, "more than 0");
    if (!(this.opts.marginMs >= 0)) throw new InvalidValueError("margin", this.opts.marginMs, "0 ms or more");
    this.now = now != null ? now : Date.now;
  }
  /** Whether the host transport plays, as last reported. */
  get playing() {
    var _a2, _b2;
    return (_b2 = (_a2 = this.last) == null ? void 0 : _a2.playing) != null ? _b2 : false;
  }
  /** Loads `pattern` into a free slot and schedules it for the next bar line (at once when nothing plays). */
  load(pattern) {
    var _a2, _b2, _c;
    const steps = Math.round(pattern.lengthBeats * PATCH_TICKS_PER_BEAT / STEP_TICKS);
    if (!(pattern.lengthBeats > 0) || !Number.isFinite(pattern.lengthBeats))
      throw new InvalidValueError("pattern length", pattern.lengthBeats, "more than 0 beats");
    const beatsPerBar = (_a2 = pattern.beatsPerBar) != null ? _a2 : this.opts.beatsPerBar;
    if (!(beatsPerBar > 0) || !Number.isFinite(beatsPerBar)) throw new InvalidValueError("beats per bar", beatsPerBar, "more than 0");
    const used = /* @__PURE__ */ new Set([(_b2 = this.current) == null ? void 0 : _b2.slot, (_c = this.next) == null ? void 0 : _c.slot]);
    const slot = [...Array(SLOTS).keys()].find((s) => !used.has(s));
    const out = [["pat", slot, "clear"], ...stepMessages(slot, pattern, steps)];
    const fresh = { slot, steps };
    if (!this.current || !this.playing) {
      this.current = fresh;
      this.next = void 0;
    } else {
      const barTicks = beatsPerBar * PATCH_TICKS_PER_BEAT;
      const switchTicks = Math.ceil((this.estimateTicks() + this.marginTicks()) / barTicks - 1e-9) * barTicks;
      if (this.next && this.next.switchTicks < switchTicks) this.current = { slot: this.next.slot, steps: this.next.steps };
      this.next = __spreadProps(__spreadValues({}, fresh), { switchTicks, barTicks });
    }
    out.push(this.playMessage());
    return out;
  }
  /**
   * Takes one transport report. Returns what to send: a final `play` once a switch has passed
   * (or the host stopped before it), a moved `play` after a jump back.
   */
  update(t) {
    this.last = __spreadProps(__spreadValues({}, t), { at: this.now() });
    const out = [];
    const n = this.next;
    if (!n) return out;
    if (!t.playing || t.ticks >= n.switchTicks - STEP_TICKS / 2) {
      this.current = { slot: n.slot, steps: n.steps };
      this.next = void 0;
    } else if (n.switchTicks - t.ticks > n.barTicks + this.marginTicks()) {
      n.switchTicks = Math.ceil((t.ticks + this.marginTicks()) / n.barTicks - 1e-9) * n.barTicks;
    } else return out;
    out.push(this.playMessage());
    return out;
  }
  playMessage() {
    var _a2;
    const cur = (_a2 = this.current) != null ? _a2 : { slot: SILENT_SLOT, steps: 1 };
    const n = this.next;
    return n ? ["play", n.switchTicks, n.slot, n.steps, cur.slot, cur.steps] : ["play", -1, cur.slot, cur.steps, cur.slot, cur.steps];
  }
  marginTicks() {
    var _a2, _b2;
    const bpm = (_b2 = (_a2 = this.last) == null ? void 0 : _a2.bpm) != null ? _b2 : 120;
    return this.opts.marginMs * bpm * PATCH_TICKS_PER_BEAT / 6e4;
  }
  /** The song position now, from the last report aged by the time since (Node cannot ask Live). */
  estimateTicks() {
    const l = this.last;
    if (!l) return 0;
    return l.playing ? l.ticks + (this.now() - l.at) * l.bpm * PATCH_TICKS_PER_BEAT / 6e4 : l.ticks;
  }
};
function stepMessages(slot, pattern, steps) {
  var _a2;
  const loopTicks = steps * STEP_TICKS;
  const bySteps = /* @__PURE__ */ new Map();
  for (const n of pattern.notes) {
    const at = (n.startBeats * PATCH_TICKS_PER_BEAT % loopTicks + loopTicks) % loopTicks;
    const step = Math.min(steps - 1, Math.floor(at / STEP_TICKS));
    const list = (_a2 = bySteps.get(step)) != null ? _a2 : [];
    if (list.length >= MAX_NOTES_PER_STEP * 4) continue;
    const off = Math.round((at - step * STEP_TICKS) * 1e3) / 1e3;
    list.push(n.pitch, n.velocity, Math.max(1, n.durationBeats * PATCH_TICKS_PER_BEAT), off);
    bySteps.set(step, list);
  }
  return [...bySteps.entries()].sort((a, b) => a[0] - b[0]).map(([step, list]) => ["pat", slot, step, ...list]);
}

// max-device/src/client/request-book.ts
function sendGenerate(link, id, a) {
  if (a.primer) for (const args of primerMessages(id, a.primer)) link.send("/tandem/primer", ...args);
  link.send(
    "/tandem/generate",
    { i: id },
    { s: a.model },
    { s: a.genre },
    { f: a.density },
    { f: a.temperature },
    { i: a.bars },
    { i: a.fill },
    { i: seedToInt32(a.seed) },
    { s: a.key },
    { s: "" }
  );
}
var RequestBook = class {
  constructor(link, timeoutMs, expired) {
    __publicField(this, "link", link);
    __publicField(this, "timeoutMs", timeoutMs);
    __publicField(this, "expired", expired);
    __publicField(this, "inFlight", /* @__PURE__ */ new Map());
  }
  /** Sends request `id` and keeps it until settled or expired. */
  send(id, r, seed) {
    var _a2;
    sendGenerate(this.link, id, __spreadProps(__spreadValues({}, r.settings), { seed, key: r.key, primer: r.clip }));
    const timer = setTimeout(() => {
      if (this.inFlight.delete(id)) this.expired(id);
    }, this.timeoutMs);
    (_a2 = timer.unref) == null ? void 0 : _a2.call(timer);
    this.inFlight.set(id, __spreadProps(__spreadValues({}, r), { timer }));
  }
  /** Whether request `id` awaits its answer. */
  has(id) {
    return this.inFlight.has(id);
  }
  /** Takes request `id` out of the book (its answer came, or failed): what was asked, or undefined if none is in flight. */
  settle(id) {
    const r = this.inFlight.get(id);
    if (!r) return void 0;
    clearTimeout(r.timer);
    this.inFlight.delete(id);
    const _a2 = r, { timer: _ } = _a2, asked = __objRest(_a2, ["timer"]);
    return asked;
  }
  /** Forgets every request (the client closes). */
  clear() {
    for (const r of this.inFlight.values()) clearTimeout(r.timer);
    this.inFlight.clear();
  }
};

// max-device/src/client/suggestions.ts
var BridgeReplyError = class extends TandemError {
  constructor(address, detail) {
    super(`${address}: ${detail}`);
    __publicField(this, "address", address);
    __publicField(this, "detail", detail);
  }
};
var int = (address, name, v) => {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new BridgeReplyError(address, `${name} must be an int, got ${JSON.stringify(v)}`);
  return v;
};
var num = (address, name, v) => {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new BridgeReplyError(address, `${name} must be a number, got ${JSON.stringify(v)}`);
  return v;
};
var SUGGESTION_LIMITS = Object.freeze({
  /** Longest suggestion, beats. */
  maxBeats: 1024,
  /** Most chunks in one suggestion. */
  maxChunks: 1024,
  /** Suggestions being put together at once; the oldest is dropped beyond this. */
  maxPartial: 8,
  /** A suggestion whose chunks stop coming is dropped after this long, ms. */
  partialTtlMs: 3e4
});
var beats = (v) => Math.round(v * 960) / 960;
var SuggestionAssembler = class {
  /** @param now the clock partial suggestions expire by (ms; injected in tests) */
  constructor(now = Date.now) {
    __publicField(this, "now", now);
    __publicField(this, "parts", /* @__PURE__ */ new Map());
  }
  /** Suggestions with chunks kept and no done message yet. */
  get partialCount() {
    return this.parts.size;
  }
  /** The id of a chunk or done message, or undefined when there is none (before any other check). */
  static idOf(args) {
    const v = args[0];
    return typeof v === "number" && Number.isInteger(v) ? v : void 0;
  }
  /**
   * Takes one chunk's arguments; throws BridgeReplyError if they are malformed. Partial
   * suggestions older than `partialTtlMs` are dropped, and at most `maxPartial` are kept (the
   * oldest goes): a bridge that never sends the done message cannot fill the memory.
   */
  chunk(args) {
    var _a2;
    const a = "/tandem/suggestion";
    const id = int(a, "id", args[0]);
    const k = int(a, "chunk", args[1]);
    const chunks = int(a, "chunks", args[2]);
    if ((args.length - 3) % 4 !== 0)
      throw new BridgeReplyError(a, `after id, chunk, chunks the notes come in fours (pitch, velocity, start, length); got ${args.length - 3} values`);
    if (chunks < 1 || chunks > SUGGESTION_LIMITS.maxChunks) throw new BridgeReplyError(a, `chunks must be 1..${SUGGESTION_LIMITS.maxChunks}, got ${chunks}`);
    if (k < 0 || k >= chunks) throw new BridgeReplyError(a, `chunk ${k} is outside 0..${chunks - 1}`);
    const notes = [];
    for (let i = 3; i < args.length; i += 4) {
      const n = {
        pitch: int(a, "pitch", args[i]),
        velocity: int(a, "velocity", args[i + 1]),
        startBeats: beats(num(a, "start", args[i + 2])),
        durationBeats: beats(num(a, "length", args[i + 3]))
      };
      if (n.pitch < 0 || n.pitch > 127 || n.velocity < 0 || n.velocity > 127)
        throw new BridgeReplyError(a, `pitch and velocity must be 0..127, got ${n.pitch} and ${n.velocity}`);
      if (Math.abs(n.startBeats) > SUGGESTION_LIMITS.maxBeats || !(n.durationBeats >= 0 && n.durationBeats <= SUGGESTION_LIMITS.maxBeats))
        throw new BridgeReplyError(
          a,
          `a note must start within ${SUGGESTION_LIMITS.maxBeats} beats and last 0..${SUGGESTION_LIMITS.maxBeats} beats, got ${n.startBeats} and ${n.durationBeats}`
        );
      notes.push(n);
    }
    const now = this.now();
    for (const [old, e] of this.parts) if (now - e.since > SUGGESTION_LIMITS.partialTtlMs) this.parts.delete(old);
    const entry = (_a2 = this.parts.get(id)) != null ? _a2 : { chunks, got: /* @__PURE__ */ new Map(), since: now };
    if (entry.chunks !== chunks) throw new BridgeReplyError(a, `suggestion ${id} was announced in ${entry.chunks} chunks, this chunk says ${chunks}`);
    entry.got.set(k, notes);
    this.parts.set(id, entry);
    for (const old of this.parts.keys()) {
      if (this.parts.size <= SUGGESTION_LIMITS.maxPartial) break;
      this.parts.delete(old);
    }
  }
  /** Forgets what was kept of suggestion `id` (a request given up). */
  forget(id) {
    this.parts.delete(id);
  }
  /**
   * Completes suggestion `id` from its done message. Returns the suggestion, or `missing` saying
   * what did not arrive (the caller can ask again with the same seed: same notes).
   */
  done(args) {
    var _a2;
    const a = "/tandem/suggestion/done";
    const id = int(a, "id", args[0]);
    const count = int(a, "notes", args[1]);
    const lengthBeats = beats(num(a, "beats", args[2]));
    if (!(lengthBeats > 0 && lengthBeats <= SUGGESTION_LIMITS.maxBeats))
      throw new BridgeReplyError(a, `beats must be more than 0 and at most ${SUGGESTION_LIMITS.maxBeats}, got ${args[2]}`);
    if (typeof args[3] !== "string") throw new BridgeReplyError(a, `file must be a string, got ${JSON.stringify(args[3])}`);
    const seed = args[4] === void 0 ? void 0 : seedFromInt32(int(a, "seed", args[4]));
    const entry = this.parts.get(id);
    this.parts.delete(id);
    const chunks = (_a2 = entry == null ? void 0 : entry.chunks) != null ? _a2 : 0;
    const got = entry ? [...entry.got.keys()].length : 0;
    if (!entry || got !== chunks)
      return __spreadValues({ id, missing: `${chunks - got} of ${chunks || "?"} chunks of suggestion ${id} did not arrive` }, seed === void 0 ? {} : { seed });
    const notes = [...entry.got.entries()].sort((x, y) => x[0] - y[0]).flatMap(([, n]) => n);
    if (notes.length !== count)
      return __spreadValues({ id, missing: `suggestion ${id} has ${notes.length} notes, the bridge sent ${count}` }, seed === void 0 ? {} : { seed });
    const primerBeats = typeof args[6] === "number" && Number.isFinite(args[6]) && args[6] >= 0 && args[6] < lengthBeats ? beats(args[6]) : void 0;
    return __spreadValues(__spreadValues({ id, notes, lengthBeats, file: args[3] }, seed === void 0 ? {} : { seed }), primerBeats === void 0 ? {} : { primerBeats });
  }
};

// max-device/src/client/client.ts
var MAX_TICKS_PER_BEAT = PATCH_TICKS_PER_BEAT;
var TandemClient = class {
  constructor(max, options) {
    __publicField(this, "max", max);
    __publicField(this, "settings", {
      model: MODEL_ITEMS[PARAMETERS.model.initial],
      genre: GENRE_ITEMS[PARAMETERS.genre.initial],
      density: PARAMETERS.density.initial / 100,
      temperature: PARAMETERS.temperature.initial,
      bars: PARAMETERS.bars.initial,
      fill: PARAMETERS.fill.initial,
      follow: Number(PARAMETERS.follow.initial) === 1,
      key: ""
    });
    /** The last complete suggestion. */
    __publicField(this, "last");
    /** The last status line sent to the device face. */
    __publicField(this, "lastStatus", "");
    __publicField(this, "opts");
    __publicField(this, "nextRequestId", 1);
    __publicField(this, "link");
    __publicField(this, "conn");
    __publicField(this, "assembler", new SuggestionAssembler());
    __publicField(this, "player");
    __publicField(this, "requests");
    /**
     * The seed the next request takes: the device's own (Seed sets it; each request takes it and the
     * next is one more, the bridge's policy), sent with every request, so devices and MIDI Tools on
     * one bridge never take each other's seeds.
     */
    __publicField(this, "nextSeed");
    __publicField(this, "clipReader", new ClipReadAssembler());
    __publicField(this, "tempoWarned", false);
    /** The Live Set's key and meter, from the Live reader. */
    __publicField(this, "liveSet", new LiveSetContext({
      say: (text) => {
        this.status(text);
        this.log(text);
      },
      log: (text) => this.log(text),
      error: (text) => this.error(text)
    }));
    __publicField(this, "lastTransportSent", { at: 0, bpm: 0, playing: false });
    var _a2;
    this.opts = __spreadValues({
      port: 57121,
      launch: true,
      pingTimeoutMs: 150,
      startTimeoutMs: 12e4,
      heartbeatMs: 5e3,
      leaseMs: 2e4,
      switchMarginMs: 250,
      requestTimeoutMs: 6e4
    }, options);
    this.link = new OscLink(this.opts.port);
    this.conn = new BridgeConnection(
      this.link,
      __spreadProps(__spreadValues({}, this.opts), { config: options.config, nodeCandidates: options.nodeCandidates }),
      {
        status: (text) => this.status(text),
        log: (text) => this.log(text),
        error: (text) => this.error(text),
        connected: (how) => this.connected(how)
      }
    );
    this.player = new PatchPlayer({ marginMs: this.opts.switchMarginMs, now: options.now });
    this.requests = new RequestBook(this.link, this.opts.requestTimeoutMs, (id) => {
      this.assembler.forget(id);
      this.error(`suggestion ${id} got no answer within ${Math.round(this.opts.requestTimeoutMs / 1e3)} s; press Generate again`);
    });
    this.nextSeed = (_a2 = options.seed) != null ? _a2 : 0;
    this.link.on("message", (m) => this.receive(m));
    this.link.on("error", (err) => this.log(`OSC: ${err.message}`));
  }
  /**
   * Registers one handler per message the patcher sends. Written out one by one (not in a loop)
   * so `npm run check:device` can read the names from the bundle.
   */
  registerHandlers() {
    const m = this.max;
    m.addHandler("model", (v) => this.onControl("model", v));
    m.addHandler("genre", (v) => this.onControl("genre", v));
    m.addHandler("density", (v) => this.onControl("density", v));
    m.addHandler("temperature", (v) => this.onControl("temperature", v));
    m.addHandler("bars", (v) => this.onControl("bars", v));
    m.addHandler("fill", (v) => this.onControl("fill", v));
    m.addHandler("follow", (v) => this.onControl("follow", v));
    m.addHandler("seed", (v) => this.onSeed(v));
    m.addHandler("key", (v) => this.onControl("key", v));
    m.addHandler("scale", (...v) => this.liveSet.onScale(v));
    m.addHandler("meter", (...v) => this.liveSet.onMeter(v, this.settings.model, this.settings.genre));
    m.addHandler("primer", (...v) => this.onPrimer(v));
    m.addHandler("generate", () => this.generate(false));
    m.addHandler("write", () => this.write());
    m.addHandler("transport", (bpm, ticks, playing) => this.onTransport(bpm, ticks, playing));
  }
  /** Opens the socket, finds (or starts) the bridge, then tells the patcher `ready`. */
  async start() {
    await this.link.open();
    await this.conn.connect();
  }
  /**
   * Closes the socket. A bridge this client started keeps running for the other devices; it
   * stops by itself (its lease) once no device pings it.
   */
  async close() {
    this.conn.close();
    this.requests.clear();
    await this.link.close();
  }
  // ---- messages from the patcher ----
  /** A parameter change from the patcher (device-controls.ts): kept and told to the bridge, or one line saying what is allowed. */
  onControl(name, v) {
    const r = applyControl(this.settings, name, v);
    if ("error" in r) return this.error(r.error);
    if (r.send) this.send(...r.send);
    if (name === "model" || name === "genre") this.sayMeter();
  }
  /** Max ints are 32-bit signed: a seed of 2^31 or more arrives as its negative (seed | 0) and is read back unsigned. */
  onSeed(v) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < -(2 ** 31) || v > SEED_MAX)
      return this.error(`seed must be a whole number from 0 to 2^32-1 (a Max int below 0 is read as its unsigned 32-bit value), got ${JSON.stringify(v)}`);
    this.nextSeed = seedFromInt32(v);
  }
  /** The key of the Set's scale while its Scale Mode is on (Song.root_note, scale_intervals, scale_mode). */
  get setKey() {
    return this.liveSet.key;
  }
  /** The Set's time signature (Song.signature_numerator / signature_denominator), once the Live reader sent it. */
  get setMeter() {
    return this.liveSet.meter;
  }
  sayMeter() {
    this.liveSet.sayMeter(this.settings.model, this.settings.genre);
  }
  /** The key a request for `model` asks for: the Key menu's, else the Set's scale's, else none (the style's usual keys). */
  keyFor(s) {
    return this.liveSet.keyFor(s.model, s.key);
  }
  /** `primer begin|notes|end` from the Live reader (Continue): at `end`, a request continuing the clip. */
  onPrimer(v) {
    const r = this.clipReader.take(v);
    if (r === void 0) return;
    if ("problem" in r) return this.error(r.problem);
    this.continueClip(r);
  }
  onTransport(bpm, ticks, playing) {
    if (typeof bpm !== "number" || !(bpm > 0 && bpm <= 999) || typeof ticks !== "number" || !Number.isFinite(ticks) || playing !== 0 && playing !== 1) {
      return this.error(`transport takes bpm (1-999), ticks (480 a beat) and playing (0/1), got ${JSON.stringify([bpm, ticks, playing])}`);
    }
    const inRange = bpm >= TEMPO.min && bpm <= TEMPO.max;
    if (!inRange && !this.tempoWarned) {
      this.tempoWarned = true;
      this.error(`the Live tempo ${bpm} BPM is outside ${TEMPO.min}-${TEMPO.max} BPM: suggestions are saved at the last tempo in range`);
    }
    const beat = Math.max(0, ticks / MAX_TICKS_PER_BEAT);
    const isPlaying = playing === 1;
    const now = Date.now();
    const last = this.lastTransportSent;
    if (inRange && (isPlaying !== last.playing || Math.abs(bpm - last.bpm) > 0.01 || now - last.at >= 500)) {
      this.lastTransportSent = { at: now, bpm, playing: isPlaying };
      this.send("/tandem/transport", { f: bpm }, { f: Math.min(1e7, beat) }, { i: playing });
    }
    this.toPatch(this.player.update({ bpm, ticks: Math.max(0, ticks), playing: isPlaying }));
  }
  /** Sends the player's messages to the patch, in order (node.script's outlet keeps it). */
  toPatch(messages) {
    for (const m of messages) void this.max.outlet(...m);
  }
  /** The seed policy, per device: the next request's seed, then one more (wrapping at 2^32). */
  takeSeed() {
    const seed = this.nextSeed;
    this.nextSeed = seed === SEED_MAX ? 0 : seed + 1;
    return seed;
  }
  /** Asks the bridge for a suggestion with the device's settings (all of them, in the request: the bridge may be shared or restarted). */
  generate(write) {
    if (this.phase !== "connected") return this.error(`not connected to the Tandem bridge yet (${this.lastStatus})`);
    const settings = __spreadValues({}, this.settings);
    const seed = this.takeSeed();
    this.request(settings, write, false, seed);
    this.status(`generating ${describe(settings, seed)}\u2026`);
  }
  /** Continue: a suggestion that starts with the clip's last whole bars and goes on from them. */
  continueClip(read) {
    if (this.phase !== "connected") return this.error(`not connected to the Tandem bridge yet (${this.lastStatus})`);
    const settings = __spreadValues({}, this.settings);
    let clip;
    try {
      clip = clipToSend(read, barBeats(settings.model, settings.genre), settings.bars - 1);
    } catch (err) {
      return this.error(err.message);
    }
    const seed = this.takeSeed();
    this.request(settings, false, false, seed, __spreadProps(__spreadValues({}, clip), { name: read.name }));
    this.status(`continuing "${read.name}" (${clip.bars} bar${clip.bars === 1 ? "" : "s"}): ${describe(settings, seed)}\u2026`);
  }
  /** Sends one request with an id of its own (RequestBook: every setting, the clip to continue first). */
  request(settings, write, retried, seed, clip) {
    this.requests.send(this.nextRequestId++, { settings, key: this.keyFor(settings), clip, write, retried }, seed);
  }
  settle(id) {
    return this.requests.settle(id);
  }
  /** Sends the last suggestion to the clip writer; with none yet, generates one and writes it. */
  write() {
    const s = this.last;
    if (!s) return this.generate(true);
    const { settings } = s;
    void this.max.outlet("clip", "begin", s.lengthBeats, settings.genre, settings.density, s.seed);
    for (const n of s.notes) void this.max.outlet("clip", "note", n.pitch, n.startBeats, n.durationBeats, n.velocity);
    void this.max.outlet("clip", "end");
  }
  // ---- messages from the bridge ----
  receive(m) {
    try {
      switch (m.address) {
        case "/tandem/pong":
          return this.conn.pong();
        case "/tandem/suggestion": {
          const id = SuggestionAssembler.idOf(m.args);
          if (id === void 0 || !this.expects(id)) return;
          this.assembler.chunk(m.args);
          return;
        }
        case "/tandem/suggestion/done":
          return this.complete(this.assembler.done(m.args));
        case "/tandem/error": {
          const text = String(m.args[0]);
          if (typeof m.args[1] === "number") this.settle(m.args[1]);
          return this.error(`bridge: ${text}`);
        }
        case "/tandem/status":
          return;
        default:
          this.log(`ignored ${m.address} from the bridge`);
      }
    } catch (err) {
      if (err instanceof BridgeReplyError) return this.error(err.message);
      return this.error(`could not handle ${m.address} from the bridge: ${err.message}`);
    }
  }
  /** Whether a suggestion with this id is awaited (a request in flight). */
  expects(id) {
    return this.requests.has(id);
  }
  complete(r) {
    var _a2, _b2, _c;
    const req = this.settle(r.id);
    if (!req) return this.log(`suggestion ${r.id} arrived but none was asked for (or it timed out); ignored`);
    if ("missing" in r) {
      if (!req.retried && r.seed !== void 0) {
        this.log(`${r.missing}; asking again`);
        this.request(req.settings, req.write, true, r.seed, req.clip);
        return;
      }
      return this.error(`${r.missing}${req.retried ? ", twice" : ""}; press Generate again`);
    }
    if (r.seed === void 0) return this.error(`suggestion ${r.id} came without its seed: the bridge is older than this device; update Tandem`);
    if (req.clip && !(r.primerBeats && r.primerBeats > 0))
      return this.error(`the bridge did not continue "${req.clip.name}" (it is older than this device: update Tandem)`);
    this.last = __spreadProps(__spreadValues({}, r), { seed: r.seed, settings: req.settings });
    const bar = barBeats(req.settings.model, req.settings.genre);
    const fit = this.setMeter ? fitMeter(this.setMeter, req.settings.model, req.settings.genre) : void 0;
    this.toPatch(this.player.load({ notes: r.notes, lengthBeats: r.lengthBeats, beatsPerBar: (_a2 = fit == null ? void 0 : fit.barBeats) != null ? _a2 : bar }));
    const bars = Math.round(r.lengthBeats / bar);
    const yours = req.clip ? ` (${Math.round(((_b2 = r.primerBeats) != null ? _b2 : 0) / bar)} of "${req.clip.name}", then ${bars - Math.round(((_c = r.primerBeats) != null ? _c : 0) / bar)} new)` : "";
    this.status(
      `${describe(req.settings, r.seed)}${req.key ? ` in ${req.key}` : ""}: ${r.notes.length} notes, ${bars} bar${bars === 1 ? "" : "s"}${yours}${(fit == null ? void 0 : fit.tag) ? ` (${fit.tag})` : ""}${req.settings.follow ? ", playing with the transport" : ""}`
    );
    if (req.write) this.write();
  }
  // ---- the bridge: find, start, watch ----
  /** The bridge answers: the device's settings go to it and the patcher hears `ready`. */
  connected(how) {
    this.syncSettings();
    const note = this.conn.note;
    this.status(`ready: ${how === "found" ? "connected to" : "started"} the Tandem bridge on 127.0.0.1:${this.opts.port}${note ? `; ${note}` : ""}`);
    void this.max.outlet("ready");
  }
  /** Where the device stands with its bridge. */
  get phase() {
    return this.conn.phase;
  }
  /** The process id of the bridge this device started (the last one), if it did. */
  get bridgePid() {
    return this.conn.startedPid;
  }
  syncSettings() {
    this.sendSettings(this.settings);
  }
  sendSettings(s) {
    this.link.send("/tandem/model", { s: s.model });
    this.link.send("/tandem/genre", { s: s.genre });
    this.link.send("/tandem/density", { f: s.density });
    this.link.send("/tandem/temperature", { f: s.temperature });
    this.link.send("/tandem/bars", { i: s.bars });
    this.link.send("/tandem/fill", { i: s.fill });
    this.link.send("/tandem/follow", { i: s.follow ? 1 : 0 });
  }
  send(address, ...args) {
    if (this.phase === "connected") this.link.send(address, ...args);
  }
  // ---- telling the user ----
  status(text) {
    this.lastStatus = text;
    this.liveSet.meterNoteShown = false;
    void this.max.outlet("status", text);
  }
  error(text) {
    this.status(`error: ${text}`);
    void this.max.post(`tandem: ${text}`);
  }
  log(text) {
    void this.max.post(`tandem: ${text}`);
  }
};
function describe(s, seed) {
  return `${s.model === MODEL_ITEMS[0] ? "" : `${s.model} `}${s.genre} d${s.density}${seed === void 0 ? "" : ` #${seed}`}`;
}

// max-device/src/client/main.ts
var config = readLaunchConfig();
var _a, _b;
var port = Number((_b = (_a = process.env.TANDEM_OSC_PORT) != null ? _a : config.port) != null ? _b : 57121);
var client = new TandemClient(import_max_api.default, { scriptDir: __dirname, port, config });
client.registerHandlers();
var started = client.start().catch((err) => {
  var _a2;
  void import_max_api.default.post(`tandem: ${(_a2 = err.stack) != null ? _a2 : err.message}`);
  void import_max_api.default.outlet("status", `error: ${err.message}`);
});
process.once("exit", () => void client.close());
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    void client.close();
    process.exit(0);
  });
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  client,
  started
});
