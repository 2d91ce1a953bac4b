using System.IO.Pipelines;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Transport.Http;

/// <summary>The requester's side of a session: writes the request body, reads the response body.</summary>
internal sealed class ClientHttpPeerSession : HttpPeerSession
{
    private readonly HttpRequestMessage _request;
    private readonly DuplexRequestContent _content;
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _abort;
    private PipeWriter? _writer;

    public ClientHttpPeerSession(
        PartyName counterparty,
        HttpRequestMessage request,
        HttpResponseMessage response,
        Stream responseBody,
        CancellationTokenSource abort,
        int maxMessageSize,
        TimeSpan sessionTimeout,
        TimeProvider timeProvider,
        ILogger logger)
        : base(counterparty, maxMessageSize, sessionTimeout, timeProvider, logger)
    {
        _request = request;
        _content = (DuplexRequestContent)request.Content!;
        _response = response;
        _abort = abort;
        Reader = PipeReader.Create(responseBody, new StreamPipeReaderOptions(leaveOpen: true));
    }

    protected override PipeReader Reader { get; }

    protected override async ValueTask<PipeWriter> GetWriterAsync(CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            var stream = await _content.Stream.WaitAsync(cancellationToken).ConfigureAwait(false);
            _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        }

        return _writer;
    }

    protected override async ValueTask CompleteWriterAsync(CancellationToken cancellationToken)
    {
        var writer = await GetWriterAsync(cancellationToken).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync().ConfigureAwait(false);
        _content.Finish();
    }

    protected override void Abort()
    {
        _content.Fail();
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already released.
        }

        _response.Dispose();
    }

    protected override async ValueTask ReleaseAsync()
    {
        _content.Finish();
        await Reader.CompleteAsync().ConfigureAwait(false);
        _response.Dispose();
        _abort.Dispose();
        _request.Dispose();
    }
}
