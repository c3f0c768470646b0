# Provisional: the full test stack (Azurite + emulator) replaces this file.
function New-CISynapseTestCertificate {
    param([Parameter(Mandatory)] [string] $Folder)
    $null = New-Item -ItemType Directory -Force -Path $Folder
    $certPath = Join-Path $Folder 'cert.pem'
    $keyPath = Join-Path $Folder 'key.pem'
    $bundlePath = Join-Path $Folder 'ca-bundle.pem'
    if (-not (Test-Path $certPath) -or -not (Test-Path $keyPath)) {
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=127.0.0.1', $rsa, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
        $san.AddIpAddress([System.Net.IPAddress]::Loopback)
        $san.AddDnsName('localhost')
        $request.CertificateExtensions.Add($san.Build())
        $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
        $cert = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddYears(1))
        Set-Content -LiteralPath $certPath -Value $cert.ExportCertificatePem() -Encoding ascii
        Set-Content -LiteralPath $keyPath -Value $rsa.ExportPkcs8PrivateKeyPem() -Encoding ascii
    }
    $system = '/etc/ssl/certs/ca-certificates.crt'
    $bundle = @()
    if (Test-Path $system) { $bundle += Get-Content -Raw $system }
    $bundle += Get-Content -Raw $certPath
    Set-Content -LiteralPath $bundlePath -Value ($bundle -join "`n") -Encoding ascii
    [pscustomobject]@{ CertificatePath = $certPath; KeyPath = $keyPath; BundlePath = $bundlePath }
}
function New-CISynapseTestToken {
    param(
        [Parameter(Mandatory)] [string] $ObjectId,
        [Parameter(Mandatory)] [string] $TenantId,
        [Parameter(Mandatory)] [string] $Audience,
        [timespan] $ExpiresIn = [timespan]::FromHours(1),
        [string] $AppId
    )
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    $payload = [ordered]@{ aud = $Audience; iss = "https://sts.windows.net/$TenantId/"; iat = $now - 60; nbf = $now - 60; exp = $now + [long]$ExpiresIn.TotalSeconds; oid = $ObjectId; tid = $TenantId }
    if ($AppId) { $payload.appid = $AppId }
    $encode = { param($text) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($text)).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
    (& $encode '{"alg":"none","typ":"JWT"}') + '.' + (& $encode ($payload | ConvertTo-Json -Compress)) + '.test'
}
Export-ModuleMember -Function New-CISynapseTestCertificate, New-CISynapseTestToken
