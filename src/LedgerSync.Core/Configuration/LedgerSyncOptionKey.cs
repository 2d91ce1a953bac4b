namespace LedgerSync;

/// <summary>
/// One configuration key of <see cref="LedgerSyncOptions"/>: its spelling, what it accepts, how a text value binds and
/// how a bound value is checked. The one place each range is declared: validation, the binding and <c>.conf</c>
/// messages, and (through a test) the documentation table and the XML docs all derive from it.
/// </summary>
internal sealed class LedgerSyncOptionKey
{
    private readonly Func<LedgerSyncOptions, string, string?> _bind;
    private readonly Action<LedgerSyncOptions, LedgerSyncOptions> _copy;
    private readonly Func<LedgerSyncOptions, string?>? _check;

    public LedgerSyncOptionKey(
        string name,
        string accepted,
        Func<LedgerSyncOptions, string, string?> bind,
        Action<LedgerSyncOptions, LedgerSyncOptions> copy,
        Func<LedgerSyncOptions, string?>? check = null)
    {
        Name = name;
        Accepted = accepted;
        _bind = bind;
        _copy = copy;
        _check = check;
    }

    /// <summary>The key as the reference product spells it, for example <c>maxNumberOfIbfFilterFlows</c>.</summary>
    public string Name { get; }

    /// <summary>What the key accepts, for messages and documentation, for example <c>1 to 15</c>.</summary>
    public string Accepted { get; }

    /// <summary>Sets the property from a configuration text; returns what is wrong, or <see langword="null"/> when it bound.</summary>
    public string? Bind(LedgerSyncOptions options, string value) => _bind(options, value);

    /// <summary>Copies the property's value from <paramref name="source"/> to <paramref name="target"/>.</summary>
    public void Copy(LedgerSyncOptions source, LedgerSyncOptions target) => _copy(source, target);

    /// <summary>
    /// Checks the property's value against the accepted range; returns the failure
    /// (<c>&lt;key&gt; = &lt;value&gt; is out of range; accepted: ...</c>), or <see langword="null"/> when it is in range
    /// or the key has no range.
    /// </summary>
    public string? Check(LedgerSyncOptions options) => _check?.Invoke(options);
}
