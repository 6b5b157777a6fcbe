import { Hono } from "hono";
import type { AppEnv } from "../../plugins/context.ts";
import audit from "./audit.tsx";
import keys from "./keys.tsx";
import users from "./users.tsx";

/** The admin pages: users (admins), SDK keys (admins and growth leads), audit log (admins). */
const admin = new Hono<AppEnv>();
admin.route("/", users);
admin.route("/", keys);
admin.route("/", audit);

export default admin;
