namespace Microsoft.Extensions.DependencyInjection;

internal sealed class LedgerSyncBuilder(IServiceCollection services) : ILedgerSyncBuilder
{
    public IServiceCollection Services { get; } = services;
}
