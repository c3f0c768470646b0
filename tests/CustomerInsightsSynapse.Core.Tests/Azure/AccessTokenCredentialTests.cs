using System.Text;
using System.Text.Json;
using Azure.Core;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Tests.Azure;

public sealed class AccessTokenCredentialTests
{
    internal static string Jwt(object payload)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return B64(Encoding.UTF8.GetBytes("{\"alg\":\"none\",\"typ\":\"JWT\"}")) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(payload)) + ".sig";
    }

    [Fact]
    public void Reads_object_id_tenant_and_expiry_from_the_token()
    {
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var claims = JwtClaims.Parse(Jwt(new { oid = "11111111-1111-1111-1111-111111111111", tid = "t1", aud = "https://management.azure.com/", exp, upn = "admin@contoso.com" }));
        Assert.Equal("11111111-1111-1111-1111-111111111111", claims.ObjectId);
        Assert.Equal("t1", claims.TenantId);
        Assert.Equal("admin@contoso.com", claims.UserPrincipalName);
        Assert.Equal(exp, claims.ExpiresOn!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public void A_token_that_is_not_a_jwt_is_refused_without_echoing_it()
    {
        var ex = Assert.Throws<CISynapseException>(() => JwtClaims.Parse("secret-opaque-value"));
        Assert.Equal(ErrorIds.InvalidAccessToken, ex.ErrorId);
        Assert.DoesNotContain("secret-opaque-value", ex.Message);
    }

    [Fact]
    public void Picks_the_token_by_audience_and_names_the_missing_one()
    {
        var arm = Jwt(new { oid = "o", aud = "https://management.azure.com", exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() });
        var storage = Jwt(new { oid = "o", aud = "https://storage.azure.com", exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() });
        var session = AzureSession.WithAccessTokens(CloudEnvironment.AzureCloud, arm, storageToken: storage);

        Assert.Equal(arm, session.Credential.GetToken(new TokenRequestContext(["https://management.azure.com/.default"]), default).Token);
        Assert.Equal(storage, session.Credential.GetToken(new TokenRequestContext(["https://storage.azure.com/.default"]), default).Token);
        var missing = Assert.Throws<CISynapseException>(() => session.Credential.GetToken(new TokenRequestContext(["https://database.windows.net//.default"]), default));
        Assert.Equal(ErrorIds.NotConnected, missing.ErrorId);
        Assert.Contains("https://database.windows.net", missing.Message);
        Assert.DoesNotContain(arm, missing.Message);
    }

    [Fact]
    public void An_expired_resource_manager_token_is_refused_at_sign_in()
    {
        var expired = Jwt(new { oid = "o", aud = "https://management.azure.com", exp = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds() });
        var ex = Assert.Throws<CISynapseException>(() => AzureSession.WithAccessTokens(CloudEnvironment.AzureCloud, expired));
        Assert.Equal(ErrorIds.AccessTokenExpired, ex.ErrorId);
        Assert.Equal(ErrorKind.AuthenticationError, ex.Kind);
    }

    [Fact]
    public void A_custom_cloud_must_be_https_and_uses_its_own_audience()
    {
        var cloud = CloudEnvironment.Custom(new Uri("https://127.0.0.1:5001"));
        Assert.Equal("https://127.0.0.1:5001/", cloud.ResourceManagerUrl.AbsoluteUri);
        Assert.Equal("https://127.0.0.1:5001", cloud.ResourceManagerAudience);
        Assert.Equal(ErrorIds.UnknownCloud, Assert.Throws<CISynapseException>(() => CloudEnvironment.Custom(new Uri("http://x"))).ErrorId);
    }
}
