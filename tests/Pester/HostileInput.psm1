#Requires -Version 7.4
# Helpers for the hostile-input scenarios: hostile CDM documents and a snapshot of a folder to prove nothing changed.
Set-StrictMode -Version Latest

function Get-FolderSnapshot {
    <#
    .SYNOPSIS
    Every file under a folder (hidden ones too) with its size and SHA-256, one line each, sorted: equal snapshots
    mean no file was added, removed or changed. The store's lock file is left out (it is opened, never written).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [string] $Path)
    if (-not (Test-Path -LiteralPath $Path)) { return '<no folder>' }
    $lines = foreach ($file in Get-ChildItem -LiteralPath $Path -Recurse -File -Force) {
        if ($file.Name -eq '.store.lock') { continue }
        $relative = [IO.Path]::GetRelativePath($Path, $file.FullName)
        "$relative $($file.Length) $((Get-FileHash -LiteralPath $file.FullName -Algorithm SHA256).Hash)"
    }
    (@($lines) | Sort-Object) -join "`n"
}

function New-ModelJson {
    <#
    .SYNOPSIS
    A model.json with one entity 'Orders' (two attributes) and one partition at the given location, optionally with
    fileFormatSettings (CsvFormatSettings unless '$type' is given).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [string] $Partition, [hashtable] $CsvSettings)
    $partitionObject = [ordered]@{ name = 'p0'; location = $Partition }
    if ($CsvSettings) {
        $settings = [ordered]@{ '$type' = 'CsvFormatSettings'; columnHeaders = $false; delimiter = ',' }
        foreach ($key in $CsvSettings.Keys) { $settings[$key] = $CsvSettings[$key] }
        $partitionObject.fileFormatSettings = $settings
    }
    [ordered]@{
        name = 'hostile'; version = '1.0'
        entities = @([ordered]@{
                '$type' = 'LocalEntity'; name = 'Orders'
                attributes = @(@{ name = 'Id'; dataType = 'int64' }, @{ name = 'Note'; dataType = 'string' })
                partitions = @($partitionObject)
            })
    } | ConvertTo-Json -Depth 10
}

function New-Manifest {
    <#
    .SYNOPSIS
    A manifest naming one entity at the given entity path.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [string] $EntityPath)
    [ordered]@{
        manifestName = 'hostile'; jsonSchemaSemanticVersion = '1.0.0'
        entities = @([ordered]@{ type = 'LocalEntity'; entityName = 'Orders'; entityPath = $EntityPath; dataPartitions = @() })
    } | ConvertTo-Json -Depth 10
}

function New-HugeJson {
    <#
    .SYNOPSIS
    Writes a syntactically valid JSON object of about the given size (one long string property), in 1 MB chunks.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [int] $Megabytes)
    $chunk = [Text.Encoding]::ASCII.GetBytes('x' * 1MB)
    $stream = [IO.File]::Create($Path)
    try {
        $head = [Text.Encoding]::ASCII.GetBytes('{"name":"huge","version":"1.0","entities":[],"padding":"')
        $stream.Write($head, 0, $head.Length)
        for ($i = 0; $i -lt $Megabytes; $i++) { $stream.Write($chunk, 0, $chunk.Length) }
        $tail = [Text.Encoding]::ASCII.GetBytes('"}')
        $stream.Write($tail, 0, $tail.Length)
    } finally { $stream.Dispose() }
}

function New-DeepJson {
    <#
    .SYNOPSIS
    Writes a JSON object nested the given number of levels deep ({"a":{"a":…1…}}).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [int] $Depth)
    $text = [Text.StringBuilder]::new($Depth * 7)
    $null = $text.Append('{"name":"deep","entities":[],"x":')
    $null = $text.Insert($text.Length, '{"a":', $Depth).Append('1').Append('}', $Depth).Append('}')
    [IO.File]::WriteAllText($Path, $text.ToString())
}

Export-ModuleMember -Function Get-FolderSnapshot, New-ModelJson, New-Manifest, New-HugeJson, New-DeepJson
