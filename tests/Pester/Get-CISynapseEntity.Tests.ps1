# Get-CISynapseEntity over the shared CDM fixtures and the module's own, used as a script would.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    $root = Resolve-Path (Join-Path $PSScriptRoot '../..')
    # The shared fixtures sit beside the checkout (../shared), or beside a folder further up for worktrees.
    $dir = Split-Path -Parent $root
    while ($dir -and -not (Test-Path (Join-Path $dir 'shared/fixtures/cdm'))) { $dir = Split-Path -Parent $dir }
    $script:Sample1 = Join-Path $dir 'shared/fixtures/cdm/microsoft-cdm/samples/1-read-manifest/sample-data'
    $script:OwnData = Join-Path $root 'tests/CustomerInsightsSynapse.Core.Tests/TestData/Cdm'
    $script:CommandType = 'CustomerInsightsSynapse.Commands.GetCISynapseEntityCommand'
}

Describe 'Get-CISynapseEntity' {
    It 'lists the ten entities of the sample manifest folder' {
        $entities = Get-CISynapseEntity -Source $Sample1
        $entities.Count | Should -Be 10
        $entities[0].GetType().FullName | Should -Be 'CustomerInsightsSynapse.Models.CISynapseEntity'
        $entities.Name | Should -Contain 'Contact'
        ($entities | Where-Object Name -EQ 'Account').AttributeCount | Should -Be 208
        $entities | ForEach-Object { $_.PartitionCount | Should -Be 1 }
        $entities | ForEach-Object { $_.Format | Should -Be 'Csv' }
        $entities[0].Source | Should -Be (Join-Path $Sample1 'default.manifest.cdm.json')
        $entities[0].Attributes | Should -BeNullOrEmpty
    }

    It 'pipes into Where-Object and Select-Object' {
        $wide = Get-CISynapseEntity $Sample1 | Where-Object AttributeCount -GT 100 | Sort-Object AttributeCount -Descending | Select-Object Name, AttributeCount, PartitionCount
        $wide.Name | Should -Be @('Contact', 'Account')
        $wide[0].AttributeCount | Should -Be 299
        $wide[0].PartitionCount | Should -Be 1
        $wide[0].PSObject.Properties.Name | Should -Be @('Name', 'AttributeCount', 'PartitionCount')
    }

    It 'filters by wildcard names, ignoring case' {
        (Get-CISynapseEntity -Source $Sample1 -Name 'c*').Name | Should -Be @('CarePlan', 'CodeableConcept', 'Contact')
        (Get-CISynapseEntity -Source $Sample1 -Name 'ACCOUNT', 'Enc*').Name | Should -Be @('Account', 'Encounter')
    }

    It 'returns attributes and partitions with -Detailed' {
        $contact = Get-CISynapseEntity -Source $Sample1 -Name Contact -Detailed
        $contact.Attributes.Count | Should -Be 299
        ($contact.Attributes | Where-Object Name -EQ 'fullName').MaxLength | Should -BeGreaterThan 0
        @($contact.Attributes | Where-Object DataType -EQ 'string').Count | Should -Be 143
        $partition = $contact.Partitions | Select-Object -First 1
        $partition.Location | Should -Be (Join-Path $Sample1 'Contact/partition-data.csv')
        $partition.HasHeader | Should -BeTrue
        $partition.Delimiter | Should -Be ','
        $partition.Size | Should -Be (Get-Item (Join-Path $Sample1 'Contact/partition-data.csv')).Length
        $contact.Size | Should -Be $partition.Size
    }

    It 'resolves a relative source against the current location' {
        Push-Location $Sample1
        try {
            (Get-CISynapseEntity -Source ./default.manifest.cdm.json).Count | Should -Be 10
            (Get-CISynapseEntity -Source .).Count | Should -Be 10
        }
        finally { Pop-Location }
    }

    It 'reads a model.json with quirks, its Parquet entity and its warnings' {
        $entities = Get-CISynapseEntity -Source (Join-Path $OwnData 'quirks-modeljson') -WarningVariable warnings -WarningAction SilentlyContinue
        $entities.Name | Should -Be @('Customers', 'Orders', 'Events')
        ($entities | Where-Object Format -EQ 'Parquet').Name | Should -Be 'Events'
        ($entities | Where-Object Name -EQ 'Customers' | Select-Object -ExpandProperty Size) | Should -BeGreaterThan 0
        $warnings | Where-Object { "$_" -like "*'Products' is a ReferenceEntity*" } | Should -Not -BeNullOrEmpty
    }

    It 'takes sources from Get-ChildItem output' {
        $entities = Get-ChildItem -Path $OwnData -Directory -Filter 'quirks-*' | Sort-Object Name | Get-CISynapseEntity -WarningAction SilentlyContinue
        $entities.Name | Should -Be @('Customer', 'Sales', 'Ledger', 'Budget', 'Customers', 'Orders', 'Events')
        ($entities | Where-Object Name -EQ 'Budget').Source | Should -Be (Join-Path $OwnData 'quirks-manifest/default.manifest.cdm.json')
        ($entities | Where-Object Name -EQ 'Events').DocumentKind | Should -Be 'ModelJson'
    }

    It 'shows a table of name, attributes, partitions and size' {
        $text = Get-CISynapseEntity -Source $Sample1 -Name Account | Out-String
        $text | Should -Match 'Name\s+Attributes\s+Partitions\s+Size'
        $text | Should -Match 'Account\s+208\s+1\s+\d+'
    }

    It 'reports a partition outside the folder with PartitionOutsideFolder' {
        $source = Join-Path $OwnData 'error-partition-outside-modeljson'
        { Get-CISynapseEntity -Source $source -ErrorAction Stop } | Should -Throw -ErrorId "PartitionOutsideFolder,$CommandType"
        $err = $null
        Get-CISynapseEntity -Source $source -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $err[0].Exception.Message | Should -Match "entity 'Leaky'"
    }

    It 'reports a missing source with CdmDocumentNotFound and an unreadable file with UnsupportedCdmDocument' {
        { Get-CISynapseEntity -Source (Join-Path $OwnData 'no-such-folder') -ErrorAction Stop } | Should -Throw -ErrorId "CdmDocumentNotFound,$CommandType"
        { Get-CISynapseEntity -Source (Join-Path $Sample1 'Account/partition-data.csv') -ErrorAction Stop } | Should -Throw -ErrorId "UnsupportedCdmDocument,$CommandType"
        { Get-CISynapseEntity -Source (Join-Path $OwnData 'error-circular-submanifest') -ErrorAction Stop } | Should -Throw -ErrorId "CircularSubManifest,$CommandType"
    }

    It 'keeps going after a bad source in the pipeline' {
        $err = $null
        $entities = @((Join-Path $OwnData 'error-duplicate-attribute-modeljson'), $Sample1) | Get-CISynapseEntity -ErrorVariable err -ErrorAction SilentlyContinue
        $entities.Count | Should -Be 10
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "DuplicateAttribute,$CommandType"
    }

    It 'reports EntityNotFound for each name without wildcards that matches nothing, and still returns the rest' {
        $err = $null
        $entities = Get-CISynapseEntity -Source $Sample1 -Name 'Account', 'Nope', 'Zz*' -ErrorVariable err -ErrorAction SilentlyContinue
        $entities.Name | Should -Be 'Account'
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be "EntityNotFound,$CommandType"
        $err[0].TargetObject | Should -Be 'Nope'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Completing -Name' {
    BeforeAll {
        $script:Odd = Join-Path ([IO.Path]::GetTempPath()) ("cisynapse-pester-" + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $Odd
        $model = @{ name = 'm'; version = '1.0'; entities = @(
                @{ '$type' = 'LocalEntity'; name = 'Sales [EU]'; attributes = @(@{ name = 'a'; dataType = 'string' }) }
                @{ '$type' = 'LocalEntity'; name = "Sales O'Brien"; attributes = @(@{ name = 'a'; dataType = 'string' }) }
                @{ '$type' = 'LocalEntity'; name = 'Salesforce'; attributes = @(@{ name = 'a'; dataType = 'string' }) }
            ) }
        $model | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath (Join-Path $Odd 'model.json')
        function Complete([string] $line) { (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches }
    }
    AfterAll { Remove-Item -Recurse -Force -LiteralPath $Odd -ErrorAction Ignore }

    It 'completes entity names of the source on the command line' {
        $matches = Complete "Get-CISynapseEntity -Source '$Sample1' -Name Co"
        $matches.CompletionText | Should -Be @('CodeableConcept', 'Contact')
        $matches[1].ToolTip | Should -Match '299 attributes'
    }

    It 'completes with a positional source and a relative path' {
        Push-Location (Split-Path -Parent $Sample1)
        try { (Complete 'Get-CISynapseEntity ./sample-data -Name Enc').CompletionText | Should -Be 'Encounter' }
        finally { Pop-Location }
    }

    It 'keeps the quote the user started and offers everything for an empty word' {
        (Complete "Get-CISynapseEntity -Source '$Sample1' -Name 'Loc").CompletionText | Should -Be "'Location'"
        (Complete "Get-CISynapseEntity -Source '$Sample1' -Name ").Count | Should -Be 10
    }

    It 'escapes wildcard characters and quotes names that need it' {
        $texts = (Complete "Get-CISynapseEntity -Source '$Odd' -Name Sales").CompletionText
        $texts | Should -Be @("'Sales ``[EU``]'", "'Sales O''Brien'", 'Salesforce')
        # The completed text finds exactly that entity.
        (Get-CISynapseEntity -Source $Odd -Name 'Sales `[EU`]').Name | Should -Be 'Sales [EU]'
    }

    It 'offers nothing without a source or for a source it cannot read' {
        (Complete 'Get-CISynapseEntity -Name Co').Count | Should -Be 0
        (Complete "Get-CISynapseEntity -Source '$(Join-Path $OwnData 'error-not-json')' -Name ").Count | Should -Be 0
    }
}
