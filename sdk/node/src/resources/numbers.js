// client.telephony.numbers: phone numbers, each bound to a credential and pinned to an agent.
import { Resource } from "./resource.js";

export class Numbers extends Resource {
  // pin and unpin are updates of one field.
  static operationIds = {
    list: "listNumbers",
    create: "createNumber",
    get: "getNumber",
    update: "updateNumber",
    pin: "updateNumber",
    unpin: "updateNumber",
    delete: "deleteNumber",
  };

  list(params, options) {
    return this._paginate("list", "numbers", params, options);
  }

  create(body, options) {
    return this._call("create", { body }, options);
  }

  get(id, options) {
    return this._call("get", { id }, options);
  }

  /** Changes what `body` names; resolves to the number as the change left it. */
  update(id, body, options) {
    return this._change("update", { id, body }, options);
  }

  /** Routes the number's calls to agent `agentId`; resolves to the number. */
  pin(id, agentId, options) {
    return this._change("pin", { id, body: { agent_id: agentId } }, options);
  }

  /** Pins the number to no agent; resolves to the number. */
  unpin(id, options) {
    return this._change("unpin", { id, body: { agent_id: null } }, options);
  }

  delete(id, options) {
    return this._call("delete", { id }, options);
  }
}
