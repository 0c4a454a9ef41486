import { type PersonalInstaller, TransientError } from '../app/ports.js';
import { GraphError, type GraphHttp } from './http.js';

/**
 * Graph's "Install app for user": POST /users/{id}/teamwork/installedApps with the app's id in the
 * organisation's app catalog. Application permission TeamsAppInstallation.ReadWriteSelfForUser.All
 * (the app installs only itself), granted by the admin. Graph answers 201 when it installed the
 * app and 409 Conflict when the person has it already.
 * https://learn.microsoft.com/en-us/graph/api/userteamwork-post-installedapps
 * https://learn.microsoft.com/en-us/microsoftteams/platform/graph-api/proactive-bots-and-messages/graph-proactive-bots-and-messages
 */
export function graphPersonalInstaller(http: GraphHttp, options: { baseUrl: string; catalogAppId: string }): PersonalInstaller {
  const app = `${options.baseUrl}/appCatalogs/teamsApps/${encodeURIComponent(options.catalogAppId)}`;
  return {
    async install(aadObjectId) {
      try {
        await http.send({ method: 'POST', path: `/users/${encodeURIComponent(aadObjectId)}/teamwork/installedApps`, body: { 'teamsApp@odata.bind': app } });
        return 'installed';
      } catch (err) {
        if (!(err instanceof GraphError)) throw err;
        if (err.status === 409) return 'already';
        if (err.transient) throw new TransientError(`Graph ${err.status} ${err.code}: ${err.message}`, err.retryAfterMs);
        // 403 (the permission not granted), 404 (no such app or user), 400: asking again will not help.
        return 'denied';
      }
    },
  };
}
