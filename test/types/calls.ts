// Compiled by `npm run typecheck` (never run): the call shapes editors must accept, and the ones they must refuse.
import { ConvertToPodeSseConnection as CSC } from '../../cmdlets/sse.ts';
import { InvokePodeProbe as Probe } from '../fixtures/cmdlets.ts';

// accepted
CSC('Actions');
CSC('Actions', 'admins', 'Local', 5, 'client');
CSC({ Name: 'Actions', Scope: 'Local', AllowAllOrigins: true });
CSC('Actions', { Scope: 'Global', ErrorAction: 'Stop', Verbose: true });
CSC('Actions', null, 'Default');
Probe({ ok: true });
Probe('x', { Name: ['a', 'b'], Group: 'g' });
Probe.pipe([1, 2], { Name: 'a' });

// refused
// @ts-expect-error unknown parameter name
CSC({ Nme: 'a' });
// @ts-expect-error value outside the ValidateSet
CSC('a', 'g', 'Foo');
// @ts-expect-error ValidateSet in a splat
CSC({ Name: 'a', Scope: 'Foo' });
// @ts-expect-error too many positional values
CSC('a', 'g', 'Local', 5, 'c', 'extra');
// @ts-expect-error Int32 position given a word
CSC('a', 'g', 'Local', 'five');
// @ts-expect-error switch given a string
CSC({ Name: 'a', Force: 'yes' });
// @ts-expect-error bad ErrorAction
CSC('a', { ErrorAction: 'Sometimes' });
// @ts-expect-error splat not last
CSC({ Name: 'a' }, 'g');
