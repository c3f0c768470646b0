# Hostile input (issue 12): every case is refused with a specific ErrorId, and the definition store folder is
# byte for byte what it was before (no file added, changed or removed), and the session's store setting is
# unchanged. Export names and database names are refused by New-/Set-/Invoke-/Remove-CISynapseExport the same way.
BeforeDiscovery {
    $script:Long = 'x' * 10000
    # Values that must never become a connection (document) name.
    $script:BadNames = @(
        @{ Case = "a '/'"; Value = 'sales/eu'; ErrorId = 'InvalidBlobPath' }
        @{ Case = "a '\'"; Value = 'sales\eu'; ErrorId = 'InvalidBlobPath' }
        @{ Case = "'..'"; Value = '..'; ErrorId = 'InvalidBlobPath' }
        @{ Case = "'.'"; Value = '.'; ErrorId = 'InvalidBlobPath' }
        @{ Case = 'NUL'; Value = "sales`0eu"; ErrorId = 'InvalidBlobPath' }
        @{ Case = 'a control character (U+0001)'; Value = "sales`u{1}"; ErrorId = 'InvalidBlobPath' }
        @{ Case = 'a line break'; Value = "sales`nDROP"; ErrorId = 'InvalidBlobPath' }
        @{ Case = 'an ANSI escape sequence'; Value = "`e[31mred"; ErrorId = 'InvalidBlobPath' }
        @{ Case = '10,000 characters'; Value = $Long; ErrorId = 'InvalidBlobPath' }
        @{ Case = '200 characters'; Value = 'n' * 200; ErrorId = 'InvalidDocumentName' }
        @{ Case = 'a leading space'; Value = ' sales'; ErrorId = 'InvalidDocumentName' }
        @{ Case = 'a trailing dot'; Value = 'sales.'; ErrorId = 'InvalidBlobPath' }
        @{ Case = 'an unpaired surrogate'; Value = "sales`u{D800}"; ErrorId = 'InvalidBlobPath' }
    )
    # Values that must never become an export name (a document name, and a run record's folder).
    $script:BadExportNames = @(
        @{ Case = "a '/'"; Value = 'sales/eu' }
        @{ Case = "a '\'"; Value = 'sales\eu' }
        @{ Case = "'..'"; Value = '..' }
        @{ Case = "'.'"; Value = '.' }
        @{ Case = 'NUL'; Value = "sales`0eu" }
        @{ Case = 'a control character (U+0001)'; Value = "sales`u{1}" }
        @{ Case = 'a line break'; Value = "sales`nDROP" }
        @{ Case = 'an ANSI escape sequence'; Value = "`e[31mred" }
        @{ Case = '10,000 characters'; Value = $Long }
    )
    # Values that must never become a database name (a SQL identifier and the lake folder of the database).
    $script:BadDatabaseNames = @(
        @{ Case = "a '/'"; Value = 'db/eu'; ErrorId = 'DatabaseNameCharacters' }
        @{ Case = "'..'"; Value = '..'; ErrorId = 'DatabaseNameCharacters' }
        @{ Case = "'../other'"; Value = '../other'; ErrorId = 'DatabaseNameCharacters' }
        @{ Case = 'NUL'; Value = "db`0"; ErrorId = 'DatabaseNameCharacters' }
        @{ Case = 'a control character (U+0007)'; Value = "db`u{7}"; ErrorId = 'DatabaseNameCharacters' }
        @{ Case = 'a line break'; Value = "db`nGO"; ErrorId = 'DatabaseNameCharacters' }
        @{ Case = '10,000 characters'; Value = $Long; ErrorId = 'DatabaseNameLength' }
        @{ Case = "'master'"; Value = 'master'; ErrorId = 'DatabaseNameReserved' }
        @{ Case = "']'"; Value = 'db]x'; ErrorId = 'DatabaseNameCharacters' }
        @{ Case = 'a quote'; Value = "db'x"; ErrorId = 'DatabaseNameCharacters' }
        @{ Case = "';'"; Value = 'db;x'; ErrorId = 'DatabaseNameCharacters' }
        @{ Case = "'; DROP DATABASE x; --'"; Value = 'db]; DROP DATABASE x; --'; ErrorId = 'DatabaseNameCharacters' }
    )
    $script:BadContainers = @(
        @{ Case = "']'"; Value = 'lake]x' }
        @{ Case = "a quote"; Value = "lake'x" }
        @{ Case = "';'"; Value = 'lake;x' }
        @{ Case = "'--'"; Value = 'lake--x' }
        @{ Case = "'/'"; Value = 'lake/x' }
        @{ Case = "'..'"; Value = '..' }
        @{ Case = 'NUL'; Value = "lake`0" }
        @{ Case = 'a control character'; Value = "lake`u{7}" }
        @{ Case = '10,000 characters'; Value = $Long }
        @{ Case = 'upper case'; Value = 'LAKE' }
    )
    $script:BadTargets = @(
        @{ Case = "a workspace name with ']'"; Change = @{ WorkspaceName = 'ws]x' }; ErrorId = 'InvalidResourceName' }
        @{ Case = "a workspace name with '..'"; Change = @{ WorkspaceName = '..' }; ErrorId = 'InvalidResourceName' }
        @{ Case = 'a resource group with a quote'; Change = @{ ResourceGroupName = "rg'; DROP" }; ErrorId = 'InvalidResourceName' }
        @{ Case = "a resource group with '/'"; Change = @{ ResourceGroupName = 'rg/../x' }; ErrorId = 'InvalidResourceName' }
        @{ Case = "a subscription id with ';' and '--'"; Change = @{ SubscriptionId = "x'; --" }; ErrorId = 'InvalidResourceName' }
        @{ Case = "a storage account name with '/'"; Change = @{ StorageAccountName = 'lake/x' }; ErrorId = 'InvalidResourceName' }
        @{ Case = 'a storage account name of 10,000 characters'; Change = @{ StorageAccountName = $Long }; ErrorId = 'InvalidResourceName' }
        @{ Case = 'a workspace resource id of another type'; Change = @{ WorkspaceResourceId = '/subscriptions/5f1c0000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/lake' }; ErrorId = 'InvalidResourceId' }
        @{ Case = 'a workspace resource id that is not one'; Change = @{ WorkspaceResourceId = "../../etc/passwd`0" }; ErrorId = 'InvalidResourceId' }
    )
    $script:BadPrincipals = @(
        @{ Case = "']'"; Value = 'a1b2c3d4-0000-4000-8000-00000000001]' }
        @{ Case = "a quote, ';' and '--'"; Value = "x'; DROP TABLE roles; --" }
        @{ Case = "'../'"; Value = '../a1b2c3d4-0000-4000-8000-000000000011' }
        @{ Case = 'NUL'; Value = "a1b2c3d4-0000-4000-8000-000000000011`0" }
        @{ Case = 'a line break'; Value = "a1b2c3d4-0000-4000-8000-000000000011`nadmin" }
        @{ Case = '10,000 characters'; Value = $Long }
    )
    $script:BadStores = @(
        @{ Case = 'a SAS query string'; Value = 'https://lake.blob.core.windows.net/defs?sv=2024-01-01&sig=c2VjcmV0'; ErrorId = 'InvalidStoreLocation' }
        @{ Case = 'plain http to a remote host'; Value = 'http://lake.blob.core.windows.net/defs'; ErrorId = 'InvalidStoreLocation' }
        @{ Case = "'..' climbing to another container"; Value = 'https://lake.blob.core.windows.net/defs/../other'; ErrorId = 'InvalidBlobPath' }
        @{ Case = "an escaped '..'"; Value = 'https://lake.blob.core.windows.net/defs/%2e%2e/other'; ErrorId = 'InvalidBlobPath' }
        @{ Case = 'an escaped NUL'; Value = 'https://lake.blob.core.windows.net/defs/a%00b'; ErrorId = 'InvalidBlobPath' }
        @{ Case = 'a path segment of 10,000 characters'; Value = "https://lake.blob.core.windows.net/defs/$Long"; ErrorId = 'InvalidBlobPath' }
        @{ Case = 'no container'; Value = 'https://lake.blob.core.windows.net/'; ErrorId = 'InvalidBlobPath' }
        @{ Case = 'another scheme'; Value = 'ftp://lake.example/defs'; ErrorId = 'InvalidStoreLocation' }
        @{ Case = 'a NUL in a local path'; Value = "./defs`0x"; ErrorId = 'InvalidStoreLocation' }
        @{ Case = 'a path on another PowerShell drive'; Value = 'Env:/PATH'; ErrorId = 'InvalidStoreLocation' }
    )
}

BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'HostileInput.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    $script:ExportSource = (New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive 'export-source') -Rows @{ Customer = 3 }).FullName
    $script:UserId = 'a1b2c3d4-0000-4000-8000-000000000011'
    $token = New-CISynapseTestToken -ObjectId $UserId -TenantId 'c1a5e0d2-0000-4000-8000-000000000001' -Audience 'https://127.0.0.1:1'
    # Nothing here reaches Azure: connections are saved with -SkipValidation; port 1 refuses any call that tries.
    $null = Connect-CISynapseAccount -AccessToken $token -ResourceManagerUrl 'https://127.0.0.1:1/'
    $script:Target = @{
        SubscriptionId = '5f1c0000-0000-4000-8000-000000000001'; ResourceGroupName = 'rg-ci'; WorkspaceName = 'ws-ci'
        StorageAccountName = 'cilake'; Container = 'exports'; SkipValidation = $true
    }
}

AfterAll {
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Hostile input to the definition store' {
    BeforeEach {
        $script:StorePath = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        Set-CISynapseStore -Location $StorePath
        $null = New-CISynapseConnection -Name 'Existing' @Target -WarningAction SilentlyContinue
        $null = Grant-CISynapseRole -PrincipalId 'a1b2c3d4-0000-4000-8000-000000000044' -Role Viewer
        $null = New-CISynapseExport -Name 'Existing' -Connection 'Existing' -Source $ExportSource -DatabaseName 'db_existing' -Entity '*'
        $script:Before = Get-FolderSnapshot $StorePath
    }

    AfterEach {
        Get-FolderSnapshot $StorePath | Should -Be $Before -Because 'a refused input leaves the store as it was'
        (Get-CISynapseStore).Location | Should -Be $StorePath
    }

    Context 'connection names' {
        It 'New-CISynapseConnection refuses a name with <Case>: <ErrorId>' -ForEach $BadNames {
            { New-CISynapseConnection -Name $Value @Target -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
        }

        It 'Set-CISynapseConnection refuses the name <Case>: <ErrorId>' -ForEach @(
            @{ Case = "'../Existing'"; Value = '../Existing'; ErrorId = 'InvalidBlobPath' }
            @{ Case = "'Existing' with a NUL"; Value = "Existing`0"; ErrorId = 'InvalidBlobPath' }
        ) {
            { Set-CISynapseConnection -Name $Value -DisplayName 'changed' -SkipValidation -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
        }

        It 'Remove-CISynapseConnection refuses the name <Case>: <ErrorId>' -ForEach @(
            @{ Case = "'./Existing'"; Value = './Existing'; ErrorId = 'InvalidBlobPath' }
            @{ Case = '10,000 characters'; Value = ('x' * 10000); ErrorId = 'InvalidBlobPath' }
        ) {
            { Remove-CISynapseConnection -Name $Value -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
        }

        It 'Get-CISynapseConnection treats a malformed wildcard (<Case>) as a plain name: ConnectionNotFound' -ForEach @(
            @{ Case = "an unclosed '['"; Value = 'Exist[ing' }
            @{ Case = 'an ANSI escape sequence'; Value = "`e[31mred" }
        ) {
            { Get-CISynapseConnection -Name $Value -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionNotFound,*'
        }
    }

    Context 'export names' {
        It 'New-CISynapseExport refuses a name with <Case>: InvalidBlobPath' -ForEach $BadExportNames {
            { New-CISynapseExport -Name $Value -Connection 'Existing' -Source $ExportSource -DatabaseName 'db_hostile' -Entity '*' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidBlobPath,*'
        }

        It '<Command> refuses the export name <Case>: InvalidBlobPath' -ForEach @(
            @{ Command = 'Set-CISynapseExport'; Case = "'../Existing'"; Value = '../Existing' }
            @{ Command = 'Set-CISynapseExport'; Case = 'NUL'; Value = "Existing`0" }
            @{ Command = 'Invoke-CISynapseExport'; Case = "'../Existing'"; Value = '../Existing' }
            @{ Command = 'Invoke-CISynapseExport'; Case = 'a line break'; Value = "Existing`nx" }
            @{ Command = 'Remove-CISynapseExport'; Case = "'./Existing'"; Value = './Existing' }
            @{ Command = 'Remove-CISynapseExport'; Case = '10,000 characters'; Value = ('x' * 10000) }
        ) {
            $call = switch ($Command) {
                'Set-CISynapseExport' { { Set-CISynapseExport -Name $Value -DisplayName 'changed' -ErrorAction Stop } }
                'Invoke-CISynapseExport' { { Invoke-CISynapseExport -Name $Value -Confirm:$false -ErrorAction Stop } }
                'Remove-CISynapseExport' { { Remove-CISynapseExport -Name $Value -Confirm:$false -ErrorAction Stop } }
            }
            $call | Should -Throw -ErrorId 'InvalidBlobPath,*'
        }

        It 'Get-CISynapseExportRun with a hostile export name (<Case>) finds no run and writes nothing' -ForEach @(
            @{ Case = "'../Existing'"; Value = '../Existing' }
            @{ Case = 'NUL'; Value = "Existing`0" }
        ) {
            Get-CISynapseExportRun -ExportName $Value -ErrorAction Stop | Should -BeNullOrEmpty
        }
    }

    Context 'database names' {
        It 'New-CISynapseExport refuses a database name with <Case>: <ErrorId>' -ForEach $BadDatabaseNames {
            { New-CISynapseExport -Name 'Hostile' -Connection 'Existing' -Source $ExportSource -DatabaseName $Value -Entity '*' -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
        }

        It 'Set-CISynapseExport refuses a database name with <Case>: <ErrorId>' -ForEach $BadDatabaseNames[0, 2, 7, 11] {
            { Set-CISynapseExport -Name 'Existing' -DatabaseName $Value -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
        }
    }

    Context 'connection targets' {
        It 'refuses a container name with <Case>: InvalidResourceName' -ForEach $BadContainers {
            $parameters = $Target.Clone()
            $parameters.Container = $Value
            { New-CISynapseConnection -Name 'Lake' @parameters -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidResourceName,*'
        }

        It 'refuses <Case>: <ErrorId>' -ForEach $BadTargets {
            $parameters = $Target.Clone()
            if ($Change.ContainsKey('WorkspaceResourceId')) { foreach ($k in 'SubscriptionId', 'ResourceGroupName', 'WorkspaceName') { $parameters.Remove($k) } }
            foreach ($k in $Change.Keys) { $parameters[$k] = $Change[$k] }
            { New-CISynapseConnection -Name 'Lake' @parameters -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
        }
    }

    Context 'role principal ids' {
        It 'Grant-CISynapseRole refuses a principal id with <Case>: InvalidArgument' -ForEach $BadPrincipals {
            { Grant-CISynapseRole -PrincipalId $Value -Role Administrator -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument,*'
        }

        It 'Revoke-CISynapseRole refuses a principal id with <Case>: InvalidArgument' -ForEach $BadPrincipals[1..2] {
            { Revoke-CISynapseRole -PrincipalId $Value -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument,*'
        }
    }

    Context 'store locations' {
        It 'Set-CISynapseStore refuses <Case>: <ErrorId>' -ForEach $BadStores {
            { Set-CISynapseStore -Location $Value -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
        }
    }
}

Describe 'Names that are hostile elsewhere but harmless in the store' {
    # Connection names are keys in JSON documents with hashed file names; they never reach SQL or a blob path.
    BeforeAll {
        $script:StorePath = Join-Path $TestDrive 'harmless'
        Set-CISynapseStore -Location $StorePath
    }

    It 'keeps the connection name <Value> exactly, in a file inside the store folder' -ForEach @(
        @{ Value = 'Sales]EU' }
        @{ Value = "O'Brien" }
        @{ Value = 'a;b' }
        @{ Value = 'x--y' }
        @{ Value = "Sales'];DROP DATABASE x;--" }
    ) {
        $null = New-CISynapseConnection -Name $Value @Target -WarningAction SilentlyContinue -ErrorAction Stop

        (Get-CISynapseConnection -Name $Value).Name | Should -BeExactly $Value
        $files = @(Get-ChildItem -Recurse -File -Force $StorePath | Where-Object Name -NE '.store.lock')
        foreach ($file in $files) {
            $file.FullName | Should -BeLike "$StorePath/*"
            $file.Name | Should -Match '^[a-z0-9_.~-]+\.json$'
        }
    }
}

Describe 'Hostile CDM folders' {
    BeforeAll {
        $script:Cdm = Join-Path $TestDrive 'cdm'
        $null = New-Item -ItemType Directory -Path $Cdm
        # A CDM store is read only; the module writes nothing for Get-CISynapseEntity. The store must stay empty.
        $script:StorePath = Join-Path $TestDrive 'cdm-store'
        Set-CISynapseStore -Location $StorePath
    }

    AfterEach {
        Test-Path $StorePath | Should -BeFalse -Because 'reading entities writes nothing to the store'
    }

    It 'refuses <Case>: <ErrorId>' -ForEach @(
        @{ Case = 'malformed JSON'; ErrorId = 'InvalidCdmDocument'; Make = { param($f) Set-Content -LiteralPath "$f/model.json" -Value '{ "name": "m", "entities": [ { "name": ' } }
        @{ Case = 'a truncated model.json'; ErrorId = 'InvalidCdmDocument'; Make = { param($f) $t = New-ModelJson -Partition 'Orders/o.csv'; Set-Content -LiteralPath "$f/model.json" -Value $t.Substring(0, [int]($t.Length / 2)) -NoNewline } }
        @{ Case = 'a JSON array instead of an object'; ErrorId = 'InvalidCdmDocument'; Make = { param($f) Set-Content -LiteralPath "$f/model.json" -Value '[1,2,3]' } }
        @{ Case = 'a model.json of 100 MB'; ErrorId = 'CdmDocumentTooLarge'; Make = { param($f) New-HugeJson -Path "$f/model.json" -Megabytes 100 } }
        @{ Case = 'JSON nested 100,000 levels deep'; ErrorId = 'CdmDocumentTooDeep'; Make = { param($f) New-DeepJson -Path "$f/model.json" -Depth 100000 } }
        @{ Case = 'a partition at another account'; ErrorId = 'PartitionOutsideFolder'; Make = { param($f) Set-Content -LiteralPath "$f/model.json" -Value (New-ModelJson -Partition 'https://attacker.blob.core.windows.net/loot/o.csv') } }
        @{ Case = 'a partition at an absolute local path'; ErrorId = 'PartitionOutsideFolder'; Make = { param($f) Set-Content -LiteralPath "$f/model.json" -Value (New-ModelJson -Partition '/etc/passwd') } }
        @{ Case = "a partition path with '..'"; ErrorId = 'PathTraversal'; Make = { param($f) Set-Content -LiteralPath "$f/model.json" -Value (New-ModelJson -Partition 'Orders/../../secret.csv') } }
        @{ Case = "a manifest entity path with '..'"; ErrorId = 'PathTraversal'; Make = { param($f) Set-Content -LiteralPath "$f/default.manifest.cdm.json" -Value (New-Manifest -EntityPath '../outside/Orders.cdm.json/Orders') } }
        @{ Case = 'an encoding name that names no encoding'; ErrorId = 'InvalidCsvFormat'; Make = { param($f) Set-Content -LiteralPath "$f/model.json" -Value (New-ModelJson -Partition 'Orders/o.csv' -CsvSettings @{ encoding = 'utf-8; DROP' }) } }
        @{ Case = 'a delimiter with a line break'; ErrorId = 'InvalidCsvFormat'; Make = { param($f) Set-Content -LiteralPath "$f/model.json" -Value (New-ModelJson -Partition 'Orders/o.csv' -CsvSettings @{ delimiter = ",`n" }) } }
        @{ Case = 'a delimiter with a NUL'; ErrorId = 'InvalidCsvFormat'; Make = { param($f) Set-Content -LiteralPath "$f/model.json" -Value (New-ModelJson -Partition 'Orders/o.csv' -CsvSettings @{ delimiter = "`0" }) } }
        @{ Case = 'a Parquet format setting'; ErrorId = 'UnsupportedPartitionFormat'; Make = { param($f) Set-Content -LiteralPath "$f/model.json" -Value (New-ModelJson -Partition 'Orders/o.csv' -CsvSettings @{ '$type' = 'JsonFormatSettings' }) } }
    ) {
        $folder = Join-Path $Cdm ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $folder, (Join-Path $folder 'Orders')
        Set-Content -LiteralPath (Join-Path $folder 'Orders/o.csv') -Value "1,a"
        try {
            & $Make $folder
            { Get-CISynapseEntity -Source $folder -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
        } finally {
            Remove-Item -Recurse -Force -LiteralPath $folder
        }
    }

    It 'refuses a source on another PowerShell drive: InvalidArgument' {
        { Get-CISynapseEntity -Source 'Env:/HOME' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument,*'
    }
}

Describe 'Hostile input that only Azure can refuse (emulator)' {
    BeforeAll {
        $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
        $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
        $script:Sub = $Prepared.subscriptions[0].subscriptionId
        $script:Rg = $Prepared.synapseWorkspaces[0].resourceGroup
        $script:Ws = $Prepared.synapseWorkspaces[0].name
        $script:Account = $Prepared.storageAccounts[0].name
        $script:OtherSub = '0ddba11c-0000-4000-8000-00000000beef'
    }

    AfterAll {
        if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    }

    BeforeEach {
        $script:StorePath = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        Set-CISynapseStore -Location $StorePath
        $connectArgs = $Stack.ConnectArguments
        $null = Connect-CISynapseAccount @connectArgs
    }

    AfterEach {
        Get-FolderSnapshot $StorePath | Should -Be '<no folder>' -Because 'a refused connection leaves an empty store empty'
    }

    It 'refuses a workspace id from another subscription: SubscriptionNotFound' {
        $workspaceId = "/subscriptions/$OtherSub/resourceGroups/$Rg/providers/Microsoft.Synapse/workspaces/$Ws"
        $storageId = "/subscriptions/$OtherSub/resourceGroups/$Rg/providers/Microsoft.Storage/storageAccounts/$Account"
        { New-CISynapseConnection -Name 'Elsewhere' -WorkspaceResourceId $workspaceId -StorageAccountResourceId $storageId -Container 'customerinsights' -ErrorAction Stop } |
            Should -Throw -ErrorId 'SubscriptionNotFound,*'
    }

    It 'refuses a workspace id from another subscription than the storage account: ConnectionTargetMismatch' {
        $workspaceId = "/subscriptions/$OtherSub/resourceGroups/$Rg/providers/Microsoft.Synapse/workspaces/$Ws"
        $storageId = "/subscriptions/$Sub/resourceGroups/$Rg/providers/Microsoft.Storage/storageAccounts/$Account"
        { New-CISynapseConnection -Name 'Mixed' -WorkspaceResourceId $workspaceId -StorageAccountResourceId $storageId -Container 'customerinsights' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectionTargetMismatch,*'
    }

    It 'refuses an expired token at sign-in: AccessTokenExpired' {
        $expired = New-CISynapseTestToken -ObjectId $Prepared.signedInUser -TenantId $Prepared.tenantId -Audience $Stack.EmulatorUrl -ExpiresIn ([TimeSpan]::FromMinutes(-5))
        { Connect-CISynapseAccount -AccessToken $expired -ResourceManagerUrl $Stack.ResourceManagerUrl -ErrorAction Stop } | Should -Throw -ErrorId 'AccessTokenExpired,*'
    }

    It 'refuses a call made after the token expired: AccessTokenExpired' {
        # Long enough for the sign-in to finish on a busy machine; then wait (polling) until the token's exp has passed.
        $lifetime = [TimeSpan]::FromSeconds(15)
        $expires = [DateTimeOffset]::UtcNow.Add($lifetime).ToUnixTimeSeconds()
        $shortLived = New-CISynapseTestToken -ObjectId $Prepared.signedInUser -TenantId $Prepared.tenantId -Audience $Stack.EmulatorUrl -ExpiresIn $lifetime
        $null = Connect-CISynapseAccount -AccessToken $shortLived -ResourceManagerUrl $Stack.ResourceManagerUrl
        while ([DateTimeOffset]::UtcNow.ToUnixTimeSeconds() -le $expires + 1) { Start-Sleep -Milliseconds 200 }
        { New-CISynapseConnection -Name 'Late' -SubscriptionId $Sub -ResourceGroupName $Rg -WorkspaceName $Ws -StorageAccountName $Account -Container 'customerinsights' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AccessTokenExpired,*'
    }
}
