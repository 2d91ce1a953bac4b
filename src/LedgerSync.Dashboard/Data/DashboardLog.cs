using Microsoft.Extensions.Logging;

namespace LedgerSync.Dashboard.Data;

/// <summary>
/// The dashboard's log messages, event IDs 8000–8099: 8000 the dashboard allows anonymous access (warning, at
/// startup); 8010 an operator ran an action (information, the audit trail); 8011 a flow refused it with a typed error
/// (information); 8012 it failed unexpectedly (error, with the exception).
/// </summary>
internal static partial class DashboardLog
{
    public const int AnonymousAccessId = LedgerSyncDashboardEventId.AnonymousAccess;
    public const int ActionDoneId = LedgerSyncDashboardEventId.ActionDone;
    public const int ActionRefusedId = LedgerSyncDashboardEventId.ActionRefused;
    public const int ActionFailedId = LedgerSyncDashboardEventId.ActionFailed;

    [LoggerMessage(EventId = LedgerSyncDashboardEventId.AnonymousAccess, Level = LogLevel.Warning,
        Message = "The LedgerSync dashboard at {Path} allows anonymous access (LedgerSyncDashboardOptions.AllowAnonymous): anyone who can reach this address can read party names and statuses, and schedule and stop reconciliations. Require an authorization policy outside a closed test network.")]
    public static partial void AnonymousAccess(ILogger logger, string path);

    [LoggerMessage(EventId = LedgerSyncDashboardEventId.ActionDone, Level = LogLevel.Information, Message = "Dashboard user {User} ran {Action} (parties: {Parties})")]
    public static partial void ActionDone(ILogger logger, string user, string action, string parties);

    [LoggerMessage(EventId = LedgerSyncDashboardEventId.ActionRefused, Level = LogLevel.Information, Message = "Dashboard user {User} ran {Action} (parties: {Parties}); refused: {Reason}")]
    public static partial void ActionRefused(ILogger logger, string user, string action, string parties, string reason);

    [LoggerMessage(EventId = LedgerSyncDashboardEventId.ActionFailed, Level = LogLevel.Error, Message = "Dashboard user {User} ran {Action} (parties: {Parties}); it failed")]
    public static partial void ActionFailed(ILogger logger, Exception exception, string user, string action, string parties);
}
