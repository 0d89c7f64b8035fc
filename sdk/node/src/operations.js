// The service's operations, generated from its /api/v1/openapi.json: do not edit.
// Regenerate with `make sdk-types` (see sdk/node/scripts/generate-types.js). Resources name
// the operation each method calls; its HTTP method and path below the base URL are here,
// as the service documents them.

/** operationId -> [HTTP method, path below the base URL] */
export const OPERATIONS = Object.freeze({
  "listProviders": ["GET", "/telephony/providers"],
  "createProvider": ["POST", "/telephony/providers"],
  "getProvider": ["GET", "/telephony/providers/{id}"],
  "deleteProvider": ["DELETE", "/telephony/providers/{id}"],
  "updateProvider": ["PATCH", "/telephony/providers/{id}"],
  "getSealedProvider": ["GET", "/telephony/providers/{id}/sealed"],
  "listNumbers": ["GET", "/telephony/numbers"],
  "createNumber": ["POST", "/telephony/numbers"],
  "getNumber": ["GET", "/telephony/numbers/{id}"],
  "deleteNumber": ["DELETE", "/telephony/numbers/{id}"],
  "updateNumber": ["PATCH", "/telephony/numbers/{id}"],
  "listEvents": ["GET", "/telephony/events"],
  "getRoute": ["GET", "/telephony/routes/{e164}"],
});
