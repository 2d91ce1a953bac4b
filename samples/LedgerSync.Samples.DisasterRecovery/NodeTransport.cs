using LedgerSync.Transport;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>How the sample's nodes reach each other.</summary>
internal sealed class NodeTransport : IAsyncDisposable
{
    private NodeTransport(TransportMode mode, InMemoryNetwork? network, DemoCertificateAuthority? authority)
    {
        Mode = mode;
        Network = network;
        Authority = authority;
    }

    public TransportMode Mode { get; }

    /// <summary>The in-process network (<see cref="TransportMode.Memory"/>).</summary>
    public InMemoryNetwork? Network { get; }

    /// <summary>The CA that issues the nodes' certificates (<see cref="TransportMode.Http"/>).</summary>
    public DemoCertificateAuthority? Authority { get; }

    /// <summary>Where each listening node can be reached (<see cref="TransportMode.Http"/>), filled in as nodes start.</summary>
    public Dictionary<PartyName, Uri> Addresses { get; } = [];

    public static NodeTransport Create(TransportMode mode) => mode == TransportMode.Memory
        ? new NodeTransport(mode, new InMemoryNetwork(), null)
        : new NodeTransport(mode, null, new DemoCertificateAuthority());

    public async ValueTask DisposeAsync()
    {
        if (Network is not null)
        {
            await Network.DisposeAsync();
        }

        Authority?.Dispose();
    }
}
