namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the plug-ins of LedgerSync (transaction source, peer transport, status store, ...) after <c>AddLedgerSync()</c>.</summary>
public interface ILedgerSyncBuilder
{
    /// <summary>The service collection LedgerSync is registered in.</summary>
    IServiceCollection Services { get; }
}
