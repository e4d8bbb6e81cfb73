// The one place the console learns the API's types. Types only: nothing from the server is bundled.
export type { AppRouter } from "@sessions/api/router";
