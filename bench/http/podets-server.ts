// The podets side of `npm run bench:http`: one plain JSON route, served by `podets serve`.
import { AddPodeRoute, WritePodeJsonResponse } from '../../index.ts';

AddPodeRoute({ Method: 'Get', Path: '/json', ScriptBlock: () => WritePodeJsonResponse({ hello: 'world' }) });
