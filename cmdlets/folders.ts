// Pode's Set-PodeDefaultFolder and Get-PodeDefaultFolder (src/Public/Core.ps1): the server's Views, Public and
// Errors folders. Public is served as static content before any route (host/http/public.ts), Views is where
// Write-PodeViewResponse reads; Errors is kept and given back (podets renders no error pages from it).
import { statSync } from 'node:fs';
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import { DEFAULT_FOLDER_TYPES, type DefaultFolderType } from '../host/http/public.ts';
import { currentServer } from '../host/runtime/server.ts';

const cmdlet = defineGroup('Core');

export const SetPodeDefaultFolder = cmdlet({
  name: 'Set-PodeDefaultFolder',
  synopsis: 'Sets the path for a specified default folder type in the Pode server context.',
  description:
    "This function configures the path for one of the Pode server's default folder types: Views, Public, or Errors.\n" +
    'The path must exist and be a directory, else it throws; a relative path is from the server root. ' +
    "Public is served as static content (a request naming a file under it gets the file, before any route); Views is Write-PodeViewResponse's folder. " +
    'Errors is kept (Get-PodeDefaultFolder gives it back), but podets renders no error pages from it.',
  examples: [
    { code: "Set-PodeDefaultFolder -Type 'Views' -Path 'C:\\Pode\\Views'" },
    { code: "Set-PodeDefaultFolder -Type 'Public' -Path 'C:\\Pode\\Public'" },
  ],
  parameters: [
    { name: 'Type', type: 'String', validateSet: [...DEFAULT_FOLDER_TYPES], help: "The type of the default folder to set the path for. Must be one of 'Views', 'Public', or 'Errors'." },
    { name: 'Path', type: 'String', help: 'The new file system path for the specified default folder type. This path must exist and be a directory; otherwise, an exception is thrown.' },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const path = args.Path ?? '';
    let isFolder = false;
    try {
      isFolder = path !== '' && statSync(server.path(path)).isDirectory();
    } catch {
      isFolder = false;
    }
    if (!isFolder) throw errors.DefaultFolderNotFound(ctx.command, { path });
    // Pode indexes its hashtable with $Type: no Type binds as ''. podets keeps only the three types it knows.
    if (args.Type !== undefined) server.defaultFolders.set(args.Type as DefaultFolderType, path);
  },
});

export const GetPodeDefaultFolder = cmdlet({
  name: 'Get-PodeDefaultFolder',
  synopsis: 'Retrieves the path of a specified default folder type from the Pode server context.',
  description:
    "This function returns the path for one of the Pode server's default folder types: Views, Public, or Errors, as it was set " +
    "('views', 'public' and 'errors' unless Set-PodeDefaultFolder changed it; relative paths are from the server root).",
  examples: [{ code: "$path = Get-PodeDefaultFolder -Type 'Views'" }, { code: "$path = Get-PodeDefaultFolder -Type 'Public'" }],
  parameters: [
    { name: 'Type', type: 'String', validateSet: [...DEFAULT_FOLDER_TYPES], help: "The type of the default folder for which to retrieve the path. The valid options are 'Views', 'Public', or 'Errors'." },
  ],
  run: (args, ctx) => (args.Type === undefined ? undefined : currentServer(ctx.command).defaultFolders.get(args.Type as DefaultFolderType)),
});
