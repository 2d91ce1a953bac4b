namespace LedgerSync.Dashboard.Rendering;

/// <summary>What every page needs besides its data: the dashboard's base path, title, node name and the antiforgery field.</summary>
/// <param name="BasePath">The dashboard's path, for example <c>/ledgersync</c> (with the request's path base).</param>
/// <param name="Title">The heading from the options.</param>
/// <param name="LocalParty">This node's name, if configured.</param>
/// <param name="AntiforgeryFieldName">The form field the antiforgery token goes in.</param>
/// <param name="AntiforgeryToken">The request token for this user.</param>
/// <param name="LiveRefreshMilliseconds">How often the live page polls.</param>
/// <param name="IdsPageSize">How many transaction IDs the party page shows per page.</param>
/// <param name="RunHistoryPageSize">How many past runs the party page shows per page.</param>
internal sealed record PageContext(
    string BasePath,
    string Title,
    string? LocalParty,
    string AntiforgeryFieldName,
    string AntiforgeryToken,
    int LiveRefreshMilliseconds,
    int IdsPageSize,
    int RunHistoryPageSize)
{
    /// <summary>A message shown at the top of the page, from the action just performed.</summary>
    public Data.ActionOutcome? Message { get; init; }

    public string Url(string relative) => BasePath + relative;

    public string PartyUrl(string party) => BasePath + "/party?name=" + Uri.EscapeDataString(party);

    /// <summary>Appends the hidden antiforgery field of a POST form.</summary>
    public Html AntiforgeryField(Html html) =>
        html.Raw("<input type=\"hidden\"").Attr("name", AntiforgeryFieldName).Attr("value", AntiforgeryToken).Raw(">");

    /// <summary>Appends the hidden field saying which page an action's answer is shown on.</summary>
    public static Html ReturnField(Html html, string page, string? party = null)
    {
        html.Raw("<input type=\"hidden\" name=\"returnTo\"").Attr("value", page).Raw(">");
        return party is null ? html : html.Raw("<input type=\"hidden\" name=\"returnParty\"").Attr("value", party).Raw(">");
    }
}
