# Rules every cmdlet the module exports must follow; new cmdlets are covered without touching this file.
BeforeDiscovery {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    $script:Cmdlets = @(Get-Command -Module CustomerInsightsSynapse -CommandType Cmdlet | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    $script:ApprovedVerbs = @(Get-Verb | ForEach-Object Verb)
    # Verbs that change Azure or stored state: such cmdlets must support -WhatIf and -Confirm.
    $script:ChangingVerbs = 'New', 'Set', 'Remove', 'Invoke', 'Repair', 'Grant', 'Revoke', 'Add', 'Clear', 'Update', 'Register',
        'Unregister', 'Start', 'Stop', 'Reset', 'Publish', 'Install', 'Uninstall', 'Rename', 'Move', 'Copy', 'Import', 'Restore', 'Save'
    $script:CommonParameters = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe '<Name>' -ForEach $Cmdlets {
    BeforeAll {
        $command = Get-Command $Name
        $type = $command.ImplementingType
        $cmdletAttribute = $type.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $help = Get-Help $Name -Full
    }

    It 'uses an approved verb' {
        $command.Verb | Should -BeIn $ApprovedVerbs
    }

    It 'uses the CISynapse noun prefix' {
        $command.Noun | Should -BeLike 'CISynapse*'
    }

    It 'is a sealed class' {
        $type.IsSealed | Should -BeTrue
    }

    It 'declares its output type, and the type has a format view' {
        $command.OutputType | Should -Not -BeNullOrEmpty
        foreach ($output in $command.OutputType) {
            if ($output.Type -and $output.Type.Namespace -like 'CustomerInsightsSynapse*') {
                Get-FormatData -TypeName $output.Type.FullName | Should -Not -BeNullOrEmpty -Because "$($output.Type.FullName) needs a view in the format file"
            }
        }
    }

    It 'supports -WhatIf and -Confirm when its verb changes state' {
        if ($command.Verb -in $ChangingVerbs) {
            $cmdletAttribute.SupportsShouldProcess | Should -BeTrue
        }
        else {
            Set-ItResult -Skipped -Because "$($command.Verb) does not change state"
        }
    }

    It 'has a real synopsis' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -Match "^$([regex]::Escape($Name))(\s+\[|\s*$)"
    }

    It 'has a description' {
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code' {
        @($help.examples.example).Count | Should -BeGreaterThan 0
        foreach ($example in $help.examples.example) { $example.code | Should -Not -BeNullOrEmpty }
    }

    It 'describes every parameter' {
        $documented = @{}
        foreach ($p in $help.parameters.parameter) { $documented[$p.name] = ($p.description | Out-String).Trim() }
        foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $CommonParameters -or $_ -in 'WhatIf', 'Confirm' }) {
            $documented[$parameter] | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'has examples that parse and use only existing commands and parameters' {
        foreach ($example in $help.examples.example) {
            $tokens = $null; $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($example.code, [ref]$tokens, [ref]$errors)
            $errors | Should -BeNullOrEmpty -Because "example '$($example.title)' must parse"
            foreach ($call in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $commandName = $call.GetCommandName()
                if (-not $commandName -or $commandName -match '^[A-Za-z]+-Az[A-Z]') { continue }   # Az commands are not installed here
                $resolved = Get-Command $commandName -ErrorAction Ignore
                $resolved | Should -Not -BeNullOrEmpty -Because "example '$($example.title)' calls $commandName"
                if ($resolved.CommandType -eq 'Alias') { throw "Example '$($example.title)' uses the alias $commandName; use the full command name." }
                foreach ($element in $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                    $matching = @($resolved.Parameters.Values | Where-Object { $_.Name -like "$($element.ParameterName)*" -or ($_.Aliases | Where-Object { $_ -like "$($element.ParameterName)*" }) })
                    $matching.Count | Should -BeGreaterThan 0 -Because "$commandName has no parameter -$($element.ParameterName) (example '$($example.title)')"
                }
            }
        }
    }
}

Describe 'The help file' {
    It 'matches what the help sources generate (run build.ps1 -Task Help after changing a cmdlet or its markdown)' {
        $root = Resolve-Path (Join-Path $PSScriptRoot '../..')
        $generator = Join-Path $root 'src/CustomerInsightsSynapse/Help/HelpGenerator.psm1'
        Import-Module $generator -Force
        $expected = ConvertTo-CISynapseMaml -ModulePath $env:CISYNAPSE_TEST_MODULE -MarkdownFolder (Join-Path $root 'src/CustomerInsightsSynapse/Help')
        $committed = [System.IO.File]::ReadAllText((Join-Path $root 'en-US/CustomerInsightsSynapse.dll-Help.xml')).Replace("`r`n", "`n")
        $committed | Should -BeExactly $expected
    }

    It 'ships the about topic' {
        Get-Help about_CustomerInsightsSynapse | Out-String | Should -Match 'Customer Insights'
    }
}

Describe 'Error categories' {
    BeforeAll {
        Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    }

    It 'maps every ErrorKind to its own ErrorCategory explicitly' {
        $factory = (Get-Command Get-CISynapseExport).ImplementingType.Assembly.GetType('CustomerInsightsSynapse.Infrastructure.ErrorRecordFactory', $true)
        $field = $factory.GetField('Categories', [Reflection.BindingFlags] 'NonPublic, Static')
        $map = $field.GetValue($null)
        $kinds = [Enum]::GetValues($field.FieldType.GenericTypeArguments[0])
        $kinds.Count | Should -BeGreaterThan 10
        foreach ($kind in $kinds) {
            $map.ContainsKey($kind) | Should -BeTrue -Because "ErrorKind.$kind needs an ErrorCategory"
            if ("$kind" -ne 'NotSpecified') {
                $map[$kind] | Should -Not -Be ([System.Management.Automation.ErrorCategory]::NotSpecified) -Because "ErrorKind.$kind is a specific failure"
            }
        }
        $map.Count | Should -Be $kinds.Count
    }
}
