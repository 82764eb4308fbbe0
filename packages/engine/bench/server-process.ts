import { startBareServer, startEngineServer, startExpressServer } from './servers.ts';

/**
 * One benchmark server in its own process, so each gets its own event loop and its CPU time can be
 * read exactly (`process.cpuUsage`) even when the machine is busy with other work.
 */
const starters = { engine: startEngineServer, bare: startBareServer, express: startExpressServer };
const kind = process.argv[2] as keyof typeof starters;
const server = await starters[kind]();
process.send?.({ url: server.url });
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (message === 'close') void server.close().then(() => process.exit(0));
});
