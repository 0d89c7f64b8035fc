// The SDK's version, sent as User-Agent: kataven-node/<version>; the service's version.
export const VERSION = "0.1.0";
