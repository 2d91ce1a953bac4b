namespace LedgerSync.Dashboard.Data;

/// <summary>The parties table's filter: a latest-run state (a storage name such as <c>FAILED</c>) and a role.</summary>
internal sealed record PartiesFilter(ReconciliationState? Status, bool? IsRequester)
{
    public static PartiesFilter All { get; } = new(null, null);

    /// <summary>Reads <c>status</c> (a state name, empty for all) and <c>role</c> (<c>requester</c>, <c>responder</c>, empty for both).</summary>
    public static bool TryParse(string? status, string? role, out PartiesFilter filter, out string? error)
    {
        filter = All;
        error = null;
        ReconciliationState? state = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!ReconciliationStateNames.TryParse(status, out var parsed))
            {
                error = $"'{status}' is not a reconciliation state; expected one of {string.Join(", ", ReconciliationStateNames.All)}.";
                return false;
            }

            state = parsed;
        }

        bool? isRequester = role switch
        {
            null or "" => null,
            "requester" => true,
            "responder" => false,
            _ => default(bool?),
        };
        if (!string.IsNullOrEmpty(role) && isRequester is null)
        {
            error = $"'{role}' is not a role; expected requester or responder.";
            return false;
        }

        filter = new PartiesFilter(state, isRequester);
        return true;
    }
}
