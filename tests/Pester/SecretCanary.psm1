#Requires -Version 7.4
# Canary secrets for leak tests: a unique string put into a claim of every test token, and the tokens themselves,
# searched for in pipeline output, error records, files and Blob containers.
#
#   $canary = New-SecretCanary
#   $stack = Start-CISynapseTestStack -ExtraClaims $canary.Claims
#   Add-CanarySecret $canary $stack.Tokens.Values
#   $records = Invoke-CanaryCapture { New-CISynapseConnection ... -Verbose -Debug }   # every stream, errors kept
#   Assert-NoCanary $canary -InputObject $records
#   Assert-NoCanary $canary -Path $storeFolder
#   Assert-NoCanary $canary -ContainerUrl "$blobUrl/lake" -StorageToken $token
Set-StrictMode -Version Latest

function New-SecretCanary {
    <#
    .SYNOPSIS
    A unique canary string and the claims that carry it (opaque claims a real token has and a module never shows).
    #>
    [CmdletBinding()]
    param()
    $value = 'CANARY' + [guid]::NewGuid().ToString('N').ToUpperInvariant()
    [pscustomobject]@{
        Value   = $value
        Claims  = @{ aio = "$value-aio"; uti = "$value-uti"; xms_canary = $value }
        Secrets = [Collections.Generic.List[string]]::new()
    }
}

function Add-CanarySecret {
    <#
    .SYNOPSIS
    Registers secrets (raw tokens) to search for as well: each whole, and each JWT's payload and signature segments.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [object] $Canary, [Parameter(Mandatory, Position = 1)] [string[]] $Secret)
    foreach ($s in $Secret) {
        if (-not $s) { continue }
        $Canary.Secrets.Add($s)
        $parts = $s.Split('.')
        if ($parts.Count -eq 3) { $Canary.Secrets.Add($parts[1]); $Canary.Secrets.Add($parts[2]) }
    }
}

function Invoke-CanaryCapture {
    <#
    .SYNOPSIS
    Runs a script block with Verbose and Debug on and returns every record of every stream (output, errors,
    warnings, verbose, debug, information), plus the errors it added to $Error. Failures do not stop the capture.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [scriptblock] $ScriptBlock)
    $errorsBefore = $global:Error.Count
    $records = [Collections.Generic.List[object]]::new()
    $VerbosePreference = 'Continue'
    $DebugPreference = 'Continue'
    $InformationPreference = 'Continue'
    $WarningPreference = 'Continue'
    try {
        foreach ($record in (& $ScriptBlock *>&1)) { $records.Add($record) }
    } catch {
        $records.Add($_)
    }
    $added = $global:Error.Count - $errorsBefore
    for ($i = 0; $i -lt $added; $i++) { $records.Add($global:Error[$i]) }
    , $records.ToArray()
}

function ConvertTo-CanaryText {
    <#
    .SYNOPSIS
    Everything a record could show: its text, its properties; for errors the message, every inner exception,
    ErrorDetails, the target, the category and the bound parameters (not the literal command line the test typed).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] [AllowNull()] [object] $InputObject)
    process {
        if ($null -eq $InputObject) { return }
        $text = [Text.StringBuilder]::new()
        $null = $text.AppendLine([string]$InputObject)
        if ($InputObject -is [Management.Automation.ErrorRecord]) {
            $null = $text.AppendLine($InputObject.ToString())
            $null = $text.AppendLine($InputObject.FullyQualifiedErrorId)
            $null = $text.AppendLine([string]$InputObject.CategoryInfo)
            $null = $text.AppendLine([string]$InputObject.TargetObject)
            if ($InputObject.ErrorDetails) { $null = $text.AppendLine($InputObject.ErrorDetails.Message).AppendLine($InputObject.ErrorDetails.RecommendedAction) }
            $exception = $InputObject.Exception
            while ($exception) {
                $null = $text.AppendLine($exception.ToString())
                foreach ($key in $exception.Data.Keys) { $null = $text.AppendLine("$key=$($exception.Data[$key])") }
                $exception = $exception.InnerException
            }
            if ($InputObject.InvocationInfo) {
                foreach ($bound in $InputObject.InvocationInfo.BoundParameters.GetEnumerator()) {
                    $null = $text.AppendLine("$($bound.Key)=$($bound.Value)")
                }
            }
        } elseif ($InputObject -is [Management.Automation.InformationalRecord]) {
            $null = $text.AppendLine($InputObject.Message)
        } elseif ($InputObject -is [Management.Automation.InformationRecord]) {
            $null = $text.AppendLine([string]$InputObject.MessageData)
        } else {
            $null = $text.AppendLine(($InputObject | Format-List -Property * -Force | Out-String -Width 4096))
            try { $null = $text.AppendLine(($InputObject | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue)) } catch { $null = $text.AppendLine("<not serialisable: $_>") }
        }
        $text.ToString()
    }
}

function Find-Canary([object] $Canary, [string] $Text) {
    if (-not $Text) { return $null }
    foreach ($needle in @($Canary.Value) + @($Canary.Secrets)) {
        if ($needle -and $Text.Contains($needle, [StringComparison]::Ordinal)) {
            return $(if ($needle -eq $Canary.Value) { 'the canary claim' } else { 'a token' })
        }
    }
    $null
}

function Assert-NoCanary {
    <#
    .SYNOPSIS
    Fails (throws) when the canary or a registered secret appears in text, records, every file under a path
    (read as UTF-8 and as UTF-16), or every blob of a container (listed and downloaded with a storage token).
    #>
    [CmdletBinding(DefaultParameterSetName = 'Text')]
    param(
        [Parameter(Mandatory, Position = 0)] [object] $Canary,
        [Parameter(Mandatory, ParameterSetName = 'Text')] [AllowEmptyString()] [string] $Text,
        [Parameter(Mandatory, ParameterSetName = 'Object')] [AllowNull()] [AllowEmptyCollection()] [object[]] $InputObject,
        [Parameter(Mandatory, ParameterSetName = 'Path')] [string[]] $Path,
        [Parameter(Mandatory, ParameterSetName = 'Container')] [string] $ContainerUrl,
        [Parameter(Mandatory, ParameterSetName = 'Container')] [string] $StorageToken,
        [string] $Because = ''
    )
    $checked = 0
    switch ($PSCmdlet.ParameterSetName) {
        'Text' {
            $checked++
            if ($found = Find-Canary $Canary $Text) { throw "Found $found in text $Because" }
        }
        'Object' {
            foreach ($item in @($InputObject)) {
                $checked++
                $rendered = ConvertTo-CanaryText -InputObject $item
                if ($found = Find-Canary $Canary $rendered) { throw "Found $found in a $($item.GetType().Name) $($Because): $rendered" }
            }
        }
        'Path' {
            foreach ($root in $Path) {
                if (-not (Test-Path -LiteralPath $root)) { continue }
                foreach ($file in Get-ChildItem -LiteralPath $root -Recurse -File -Force -ErrorAction SilentlyContinue) {
                    $checked++
                    $bytes = [IO.File]::ReadAllBytes($file.FullName)
                    $asText = [Text.Encoding]::UTF8.GetString($bytes) + "`n" + [Text.Encoding]::Unicode.GetString($bytes)
                    if ($found = Find-Canary $Canary $asText) { throw "Found $found in the file '$($file.FullName)' $Because" }
                }
            }
        }
        'Container' {
            $headers = @{ Authorization = "Bearer $StorageToken"; 'x-ms-version' = '2021-08-06' }
            $marker = ''
            do {
                $listing = [xml](Invoke-WebRequest -Uri "$($ContainerUrl)?restype=container&comp=list&maxresults=500$marker" -Headers $headers).Content
                foreach ($blob in @($listing.EnumerationResults.Blobs.Blob)) {
                    if (-not $blob) { continue }
                    $checked++
                    $name = [string]$blob.Name
                    if ($found = Find-Canary $Canary $name) { throw "Found $found in the blob name '$name' $Because" }
                    $escaped = ($name.Split('/') | ForEach-Object { [uri]::EscapeDataString($_) }) -join '/'
                    $content = (Invoke-WebRequest -Uri "$ContainerUrl/$escaped" -Headers $headers).Content
                    $text = if ($content -is [byte[]]) { [Text.Encoding]::UTF8.GetString($content) } else { [string]$content }
                    if ($found = Find-Canary $Canary $text) { throw "Found $found in the blob '$ContainerUrl/$name' $Because" }
                }
                $next = [string]$listing.EnumerationResults.NextMarker
                $marker = if ($next) { "&marker=$([uri]::EscapeDataString($next))" } else { '' }
            } while ($marker)
        }
    }
    # How much was searched, so a test can show it searched something.
    $checked
}

Export-ModuleMember -Function New-SecretCanary, Add-CanarySecret, Invoke-CanaryCapture, ConvertTo-CanaryText, Assert-NoCanary
