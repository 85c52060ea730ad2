// ValidateSet values in any casing, end to end: ConvertTo-PodeSseConnection -Scope 'default' / 'LOCAL' / 'gLOBAL'
// in each call form, served in this process (test/fixtures/scripts/validateset-casing.ts). PowerShell matches
// ValidateSet members case-insensitively (ValidateSetAttribute.ValidateElement in
// src/System.Management.Automation/engine/Attributes.cs); the binder hands the implementation the declared
// member, so the SSE engine sees 'Default', 'Local' or 'Global' whatever the caller typed. Before, 'default'
// reached the engine as is: the connection was neither registered (Global) nor closed with its route (Local).
import { expect } from 'chai';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { fixtureScript } from '../helpers/serve.ts';
import { CLOSE_FRAME, closeAllClients, openFrame, RawHttp } from '../sse/helpers.ts';

describe('ValidateSet casing', () => {
  let server: EmbeddedScript;

  before(async () => {
    server = await serveEmbedded(fixtureScript('validateset-casing.ts'));
  });
  afterEach(closeAllClients);
  after(() => server.close());

  const json = async (method: string, path: string) => (await fetch(new URL(path, server.url), { method })).json();

  async function open(form: string, scope: string, name: string, hold?: string): Promise<RawHttp> {
    const qs = new URLSearchParams({ form, scope, name, ...(hold && { hold }) });
    const client = await RawHttp.sse(server, `/sse?${qs}`);
    expect(client.status, client.head + client.body()).to.equal(200);
    await client.until(openFrame(client.clientId, '', name));
    return client;
  }

  for (const form of ['splat', 'positional', 'template']) {
    describe(`${form} call`, () => {
      it("-Scope 'default' is the server's default scope (Global): registered, and closed by Close-PodeSseConnection", async () => {
        const name = `dflt-${form}`;
        const client = await open(form, 'default', name);
        expect(await json('GET', `/registered?name=${name}`)).to.deep.equal({ name: true, clientIds: [client.clientId] });
        expect(await json('POST', `/close?name=${name}`)).to.deep.equal({ closed: true });
        expect(await client.ended()).to.equal(openFrame(client.clientId, '', name) + CLOSE_FRAME);
        expect(await json('GET', `/registered?name=${name}`)).to.deep.equal({ name: false, clientIds: [] });
      });

      it("-Scope 'gLOBAL' is Global", async () => {
        const name = `glob-${form}`;
        const client = await open(form, 'gLOBAL', name);
        expect(await json('GET', `/registered?name=${name}`)).to.deep.equal({ name: true, clientIds: [client.clientId] });
        await json('POST', `/close?name=${name}`);
        await client.ended();
      });

      it("-Scope 'LOCAL' is Local: never registered, and closed with pode.close when its route ends", async () => {
        const name = `loc-${form}`;
        const client = await open(form, 'LOCAL', name, name);
        expect(await json('GET', `/registered?name=${name}`)).to.deep.equal({ name: false, clientIds: [] });
        expect(await json('POST', `/release?key=${name}`)).to.deep.equal({ released: true });
        expect(await client.ended()).to.equal(openFrame(client.clientId, '', name) + CLOSE_FRAME);
        expect(client.complete).to.equal(true);
      });
    });
  }
});
