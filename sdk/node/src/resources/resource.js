// What every resource shares: calling a method's operation through the transport, lists,
// and withRawResponse (the same methods, answering with the HTTP details).
import { OPERATIONS } from "../operations.js";
import { List } from "../pagination.js";

export class Resource {
  /** method name -> the operationId it calls; the operation's HTTP method and path come
   * from the service's document (operations.js, generated). test/openapi.test.js finds
   * every method of the document's operations here. */
  static operationIds = {};

  constructor(transport) {
    Object.defineProperty(this, "_transport", { value: transport });
    // The same object's methods, each resolving to { data, status, headers, requestId,
    // replayed, retries } instead of data alone.
    Object.defineProperty(this, "withRawResponse", {
      value: Object.create(this, { _raw: { value: true } }),
      enumerable: true,
    });
  }

  /** Resolves to the data of one call of method `name`'s operation, or all of it when raw.
   * `id` fills the path's {id}; `path`, its other {names}. */
  async _call(name, { id, path, body } = {}, options) {
    const result = await this._request(name, { id, path, body }, options);
    return this._raw ? result : result.data;
  }

  /** A change (update, pin, unpin) of object `id`: resolves to the object as it left it,
   * which the service answers with (Prefer: return=representation). A service too old
   * for that answers 204: the object is then read back with the resource's get, one more
   * request; raw, the change's own status and headers with that object as `data`. */
  async _change(name, { id, body }, options) {
    let result = await this._request(name, { id, body, representation: true }, options);
    if (result.status === 204) {
      result = { ...result, data: (await this._request("get", { id }, options)).data };
    }
    return this._raw ? result : result.data;
  }

  /** A List of method `name`'s operation (an answer's items are under `key`); when raw,
   * the first page's result. */
  _paginate(name, key, params = {}, options = {}) {
    const page = async (cursor) => {
      const result = await this._request(name, { query: { ...params, cursor } }, options);
      return { ...result, data: { items: result.data[key], next_cursor: result.data.next_cursor } };
    };
    return this._raw ? page(params.cursor) : new List(page, params.cursor);
  }

  _request(name, { id, path: values = {}, query, body, representation }, options = {}) {
    const [method, template] = OPERATIONS[this.constructor.operationIds[name]];
    // Each {name} of the operation's path is one segment: "/" and "+" are escaped (a "+"
    // as %2B, which every server reads as "+", never as a space).
    const path = template.replace(/\{(\w+)\}/g, (_, key) => {
      const value = key === "id" ? id : values[key];
      if (typeof value !== "string" || value === "") {
        throw new TypeError(`${name}: ${key === "id" ? "an id" : key} is required`);
      }
      return encodeURIComponent(value);
    });
    return this._transport.request({ method, path, query, body, representation, options });
  }
}

Resource.prototype._raw = false;
