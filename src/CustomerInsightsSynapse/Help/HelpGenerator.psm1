# Generates the module's MAML help (en-US/CustomerInsightsSynapse.dll-Help.xml) from one markdown file per
# cmdlet (the prose) and the built module's command metadata (syntax, parameters, types, pipeline input).
# build.ps1 -Task Help writes the committed file; a Pester test regenerates it and fails when they differ.

$script:MamlNamespace = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNamespace = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNamespace = 'http://schemas.microsoft.com/maml/dev/2004/10'

$script:StandardParameterHelp = @{
    WhatIf  = 'Shows what would happen if the command runs. The command is not run.'
    Confirm = 'Prompts you for confirmation before running the command.'
}

function Read-CISynapseHelpMarkdown {
    <# Parses one help markdown file into its sections. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Path)

    $help = [ordered]@{
        Name = $null; Synopsis = ''; Description = @(); Examples = [System.Collections.Generic.List[object]]::new()
        Parameters = [ordered]@{}; Inputs = [System.Collections.Generic.List[object]]::new()
        Outputs = [System.Collections.Generic.List[object]]::new(); Notes = @(); Links = @()
    }
    $section = $null; $sub = $null; $buffer = [System.Collections.Generic.List[string]]::new()
    $inCode = $false; $code = $null; $example = $null

    $flush = {
        $paragraphs = @(ConvertTo-Paragraph $buffer)
        switch ($section) {
            'SYNOPSIS' { $help.Synopsis = ($paragraphs -join ' ') }
            'DESCRIPTION' { $help.Description = $paragraphs }
            'EXAMPLES' { if ($example) { $example.Remarks = $paragraphs } }
            'PARAMETERS' { if ($sub) { $help.Parameters[$sub] = $paragraphs } }
            'INPUTS' { if ($sub) { $help.Inputs.Add([pscustomobject]@{ Type = $sub; Description = $paragraphs }) } }
            'OUTPUTS' { if ($sub) { $help.Outputs.Add([pscustomobject]@{ Type = $sub; Description = $paragraphs }) } }
            'NOTES' { $help.Notes = $paragraphs }
            'RELATED LINKS' { $help.Links = @($buffer | Where-Object { $_ -match '\S' } | ForEach-Object { ($_ -replace '^\s*[-*]\s*', '').Trim() }) }
        }
        $buffer.Clear()
    }

    foreach ($line in (Get-Content -LiteralPath $Path)) {
        if ($inCode) {
            if ($line -match '^```\s*$') { $inCode = $false; $example.Code = ($code -join "`n").TrimEnd() }
            else { $code.Add($line) }
            continue
        }
        if ($line -match '^# (.+)$') { $help.Name = $Matches[1].Trim(); continue }
        if ($line -match '^## (.+)$') { & $flush; $section = $Matches[1].Trim().ToUpperInvariant(); $sub = $null; $example = $null; continue }
        if ($line -match '^### (.+)$') {
            & $flush
            $sub = $Matches[1].Trim()
            if ($section -eq 'EXAMPLES') {
                $example = [pscustomobject]@{ Title = $sub; Code = ''; Remarks = @() }
                $help.Examples.Add($example)
            }
            elseif ($section -eq 'PARAMETERS') { $sub = $sub.TrimStart('-') }
            continue
        }
        if ($section -eq 'EXAMPLES' -and $example -and $line -match '^```') { $inCode = $true; $code = [System.Collections.Generic.List[string]]::new(); continue }
        $buffer.Add($line)
    }
    & $flush
    if (-not $help.Name) { throw "Help source '$Path' has no '# <Command-Name>' heading." }
    [pscustomobject]$help
}

function ConvertTo-Paragraph {
    param([System.Collections.Generic.List[string]] $Lines)
    $current = [System.Collections.Generic.List[string]]::new()
    foreach ($line in $Lines) {
        if ($line -match '^\s*$') {
            if ($current.Count) { ($current -join ' ').Trim(); $current.Clear() }
        }
        else { $current.Add($line.Trim()) }
    }
    if ($current.Count) { ($current -join ' ').Trim() }
}

function Write-Para {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)
    if (-not $Paragraphs -or $Paragraphs.Count -eq 0) { $Paragraphs = @('') }
    foreach ($p in $Paragraphs) { $Writer.WriteElementString('maml', 'para', $script:MamlNamespace, $p) }
}

function Write-Description {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)
    $Writer.WriteStartElement('maml', 'description', $script:MamlNamespace)
    Write-Para $Writer $Paragraphs
    $Writer.WriteEndElement()
}

function Get-PipelineInputText {
    param($ParameterMetadata, [string] $SetName)
    $attributes = @($ParameterMetadata.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($SetName -eq '' -or $_.ParameterSetName -in $SetName, '__AllParameterSets') })
    $kinds = @()
    if ($attributes | Where-Object ValueFromPipeline) { $kinds += 'ByValue' }
    if ($attributes | Where-Object ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Get-TypeDisplayName {
    param([type] $Type)
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    if ($Type.IsArray) { return (Get-TypeDisplayName $Type.GetElementType()) + '[]' }
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { return Get-TypeDisplayName $Type.GetGenericArguments()[0] }
    $Type.Name
}

function Write-Parameter {
    param([System.Xml.XmlWriter] $Writer, $Parameter, [string] $Description, [string] $SetName, [bool] $Required, [string] $Position)
    $isSwitch = $Parameter.ParameterType -eq [System.Management.Automation.SwitchParameter]
    $Writer.WriteStartElement('command', 'parameter', $script:CommandNamespace)
    $Writer.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $globbing = [bool]($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $Writer.WriteAttributeString('globbing', $globbing.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Get-PipelineInputText $Parameter $SetName))
    $Writer.WriteAttributeString('position', $Position)
    $aliases = @($Parameter.Aliases)
    $Writer.WriteAttributeString('aliases', $(if ($aliases.Count) { $aliases -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $script:MamlNamespace, $Parameter.Name)
    Write-Description $Writer @($Description)
    if (-not $isSwitch) {
        $Writer.WriteStartElement('command', 'parameterValue', $script:CommandNamespace)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString((Get-TypeDisplayName $Parameter.ParameterType))
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $script:DevNamespace)
    $Writer.WriteElementString('maml', 'name', $script:MamlNamespace, $Parameter.ParameterType.FullName)
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $script:DevNamespace, $(if ($isSwitch) { 'False' } else { 'None' }))
    $Writer.WriteEndElement()
}

function Get-DocumentedParameter {
    param([System.Management.Automation.CommandInfo] $Command)
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    $Command.Parameters.Values | Where-Object { $_.Name -notin $common } | Sort-Object { $_.Name -in 'WhatIf', 'Confirm' }, {
        # Parameters in declaration order: the order of the first parameter set that has them.
        $name = $_.Name
        $index = 0
        foreach ($set in $Command.ParameterSets) {
            $i = 0
            foreach ($p in $set.Parameters) { if ($p.Name -eq $name) { return $index * 1000 + $i }; $i++ }
            $index++
        }
        return 999999
    }
}

function Get-ParameterDescription {
    param($Help, [string] $Name, [string] $CommandName)
    if ($Help.Parameters.Contains($Name)) { return ($Help.Parameters[$Name] -join "`n") }
    if ($script:StandardParameterHelp.ContainsKey($Name)) { return $script:StandardParameterHelp[$Name] }
    throw "Help for $CommandName does not describe parameter -$Name. Add '### -$Name' under '## PARAMETERS'."
}

function Write-TypeList {
    param([System.Xml.XmlWriter] $Writer, [string] $ListElement, [string] $ItemElement, $Items)
    $Writer.WriteStartElement('command', $ListElement, $script:CommandNamespace)
    foreach ($item in $Items) {
        $Writer.WriteStartElement('command', $ItemElement, $script:CommandNamespace)
        $Writer.WriteStartElement('dev', 'type', $script:DevNamespace)
        $Writer.WriteElementString('maml', 'name', $script:MamlNamespace, $item.Type)
        $Writer.WriteEndElement()
        Write-Description $Writer $item.Description
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Write-Command {
    param([System.Xml.XmlWriter] $Writer, [System.Management.Automation.CmdletInfo] $Command, $Help)
    $w = $Writer
    $w.WriteStartElement('command', 'command', $script:CommandNamespace)
    $w.WriteAttributeString('xmlns', 'maml', $null, $script:MamlNamespace)
    $w.WriteAttributeString('xmlns', 'command', $null, $script:CommandNamespace)
    $w.WriteAttributeString('xmlns', 'dev', $null, $script:DevNamespace)

    $w.WriteStartElement('command', 'details', $script:CommandNamespace)
    $w.WriteElementString('command', 'name', $script:CommandNamespace, $Command.Name)
    $w.WriteElementString('command', 'verb', $script:CommandNamespace, $Command.Verb)
    $w.WriteElementString('command', 'noun', $script:CommandNamespace, $Command.Noun)
    Write-Description $w @($Help.Synopsis)
    $w.WriteEndElement()

    Write-Description $w $Help.Description

    $w.WriteStartElement('command', 'syntax', $script:CommandNamespace)
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    foreach ($set in ($Command.ParameterSets | Sort-Object { -not $_.IsDefault }, Name)) {
        $w.WriteStartElement('command', 'syntaxItem', $script:CommandNamespace)
        $w.WriteElementString('maml', 'name', $script:MamlNamespace, $Command.Name)
        foreach ($p in ($set.Parameters | Where-Object { $_.Name -notin $common } | Sort-Object { if ($_.Position -ge 0) { $_.Position } else { 1000 } })) {
            $metadata = $Command.Parameters[$p.Name]
            $position = if ($p.Position -ge 0) { [string]$p.Position } else { 'named' }
            Write-Parameter $w $metadata (Get-ParameterDescription $Help $p.Name $Command.Name) $set.Name $p.IsMandatory $position
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $script:CommandNamespace)
    foreach ($metadata in (Get-DocumentedParameter $Command)) {
        $inSets = @($Command.ParameterSets | ForEach-Object { $_.Parameters | Where-Object Name -EQ $metadata.Name })
        $required = [bool]($inSets | Where-Object IsMandatory)
        $positions = @($inSets | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Select-Object -Unique)
        $position = if ($positions.Count) { [string]$positions[0] } else { 'named' }
        Write-Parameter $w $metadata (Get-ParameterDescription $Help $metadata.Name $Command.Name) '' $required $position
    }
    $w.WriteEndElement()
    foreach ($extra in $Help.Parameters.Keys) {
        if (-not $Command.Parameters.ContainsKey($extra)) { throw "Help for $($Command.Name) describes -$extra, which the command does not have." }
    }

    Write-TypeList $w 'inputTypes' 'inputType' $Help.Inputs
    Write-TypeList $w 'returnValues' 'returnValue' $Help.Outputs

    $w.WriteStartElement('maml', 'alertSet', $script:MamlNamespace)
    $w.WriteStartElement('maml', 'alert', $script:MamlNamespace)
    Write-Para $w $Help.Notes
    $w.WriteEndElement()
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $script:CommandNamespace)
    $number = 0
    foreach ($example in $Help.Examples) {
        $number++
        $w.WriteStartElement('command', 'example', $script:CommandNamespace)
        $title = $example.Title -replace '^Example \d+:?\s*', ''
        $w.WriteElementString('maml', 'title', $script:MamlNamespace, "-------------------------- Example $($number): $title --------------------------")
        $w.WriteElementString('dev', 'code', $script:DevNamespace, $example.Code)
        $w.WriteStartElement('dev', 'remarks', $script:DevNamespace)
        Write-Para $w $example.Remarks
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $script:CommandNamespace)
    foreach ($link in $Help.Links) {
        $w.WriteStartElement('maml', 'navigationLink', $script:MamlNamespace)
        $w.WriteElementString('maml', 'linkText', $script:MamlNamespace, $link)
        $w.WriteElementString('maml', 'uri', $script:MamlNamespace, '')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement()
}

function ConvertTo-CISynapseMaml {
    <# Returns the MAML text for every cmdlet the module exports. Fails when a cmdlet has no help source, or a source names no cmdlet. #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $ModulePath,
        [Parameter(Mandatory)] [string] $MarkdownFolder
    )
    $module = Import-Module $ModulePath -Force -PassThru
    $commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
    $sources = @{}
    foreach ($file in Get-ChildItem -File -Filter *.md $MarkdownFolder) {
        $help = Read-CISynapseHelpMarkdown -Path $file.FullName
        $sources[$help.Name] = $help
    }
    foreach ($name in $sources.Keys) {
        if ($name -notin $commands.Name) { throw "Help source for '$name' names no exported cmdlet." }
    }

    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.IndentChars = '  '
    $settings.NewLineChars = "`n"
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $text = [System.IO.StringWriter]::new()
    $writer = [System.Xml.XmlWriter]::Create($text, $settings)
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($command in $commands) {
        if (-not $sources.ContainsKey($command.Name)) { throw "Cmdlet '$($command.Name)' has no help source $($command.Name).md in $MarkdownFolder." }
        Write-Command $writer $command $sources[$command.Name]
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
    $writer.Flush()
    $text.ToString().Replace('encoding="utf-16"', 'encoding="utf-8"') + "`n"
}

function Export-CISynapseMaml {
    <# Writes the MAML help file. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $ModulePath,
        [Parameter(Mandatory)] [string] $MarkdownFolder,
        [Parameter(Mandatory)] [string] $OutFile
    )
    $maml = ConvertTo-CISynapseMaml -ModulePath $ModulePath -MarkdownFolder $MarkdownFolder
    [System.IO.File]::WriteAllText($OutFile, $maml, [System.Text.UTF8Encoding]::new($false))
}

Export-ModuleMember -Function Read-CISynapseHelpMarkdown, ConvertTo-CISynapseMaml, Export-CISynapseMaml
