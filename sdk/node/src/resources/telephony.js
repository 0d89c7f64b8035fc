// client.telephony: the service's /telephony blueprints, one resource each.
import { Events } from "./events.js";
import { Numbers } from "./numbers.js";
import { Providers } from "./providers.js";
import { Routes } from "./routes.js";

export class Telephony {
  constructor(transport) {
    this.providers = new Providers(transport);
    this.numbers = new Numbers(transport);
    this.events = new Events(transport);
    this.routes = new Routes(transport);
  }
}
