/**
 * The modem process (host/serial/modem-command.ts):
 *
 *   tsx host/serial/modem-main.ts --air tcp:127.0.0.1:7000 [--serial pty|tcp:HOST:PORT|unix:PATH] [--links N] [--runtime node|xs]
 */
import { modemCommand } from "./modem-command.js";

process.exit(await modemCommand(process.argv.slice(2)));
