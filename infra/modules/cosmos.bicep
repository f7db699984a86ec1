// Cosmos DB (serverless, Entra ID only): database fta and the containers of
// shared/topology.py CONTAINERS (tests/infra checks that they agree).
// Each entry is the container's resource body. defaultTtl -1 turns TTL on with
// no default expiry (each item sets its own ttl); without it items never expire.

param location string
param tags object
param accountName string
param databaseName string = 'fta'

// Range indexes everywhere plus (field, id) composites for keyset paging in
// both directions: shared/store/cosmos.py indexing_policy() (checked by tests/infra).
var indexingPolicy = {
  indexingMode: 'consistent'
  automatic: true
  includedPaths: [
    {
      path: '/*'
    }
  ]
  excludedPaths: [
    {
      path: '/"_etag"/?'
    }
  ]
  compositeIndexes: [
    [
      {
        path: '/createdAt'
        order: 'ascending'
      }
      {
        path: '/id'
        order: 'ascending'
      }
    ]
    [
      {
        path: '/createdAt'
        order: 'descending'
      }
      {
        path: '/id'
        order: 'descending'
      }
    ]
    [
      {
        path: '/updatedAt'
        order: 'ascending'
      }
      {
        path: '/id'
        order: 'ascending'
      }
    ]
    [
      {
        path: '/updatedAt'
        order: 'descending'
      }
      {
        path: '/id'
        order: 'descending'
      }
    ]
    [
      {
        path: '/routedAt'
        order: 'ascending'
      }
      {
        path: '/id'
        order: 'ascending'
      }
    ]
    [
      {
        path: '/routedAt'
        order: 'descending'
      }
      {
        path: '/id'
        order: 'descending'
      }
    ]
    [
      {
        path: '/assignDueAt'
        order: 'ascending'
      }
      {
        path: '/id'
        order: 'ascending'
      }
    ]
    [
      {
        path: '/assignDueAt'
        order: 'descending'
      }
      {
        path: '/id'
        order: 'descending'
      }
    ]
    [
      {
        path: '/nextReminderAt'
        order: 'ascending'
      }
      {
        path: '/id'
        order: 'ascending'
      }
    ]
    [
      {
        path: '/nextReminderAt'
        order: 'descending'
      }
      {
        path: '/id'
        order: 'descending'
      }
    ]
    [
      {
        path: '/dueOrder'
        order: 'ascending'
      }
      {
        path: '/id'
        order: 'ascending'
      }
    ]
    [
      {
        path: '/dueOrder'
        order: 'descending'
      }
      {
        path: '/id'
        order: 'descending'
      }
    ]
  ]
}

var containers = [
  {
    id: 'requests'
    partitionKey: {
      paths: [
        '/id'
      ]
      kind: 'Hash'
      version: 2
    }
    indexingPolicy: indexingPolicy
  }
  {
    id: 'notifications'
    partitionKey: {
      paths: [
        '/id'
      ]
      kind: 'Hash'
      version: 2
    }
    indexingPolicy: indexingPolicy
    defaultTtl: -1
  }
  {
    id: 'idempotency'
    partitionKey: {
      paths: [
        '/id'
      ]
      kind: 'Hash'
      version: 2
    }
    indexingPolicy: indexingPolicy
    defaultTtl: -1
  }
  {
    id: 'parked'
    partitionKey: {
      paths: [
        '/id'
      ]
      kind: 'Hash'
      version: 2
    }
    indexingPolicy: indexingPolicy
    defaultTtl: -1
  }
  {
    // One record per user: the submission limit's two windows (point read + replace per submission).
    id: 'submission-counts'
    partitionKey: {
      paths: [
        '/id'
      ]
      kind: 'Hash'
      version: 2
    }
    indexingPolicy: indexingPolicy
    defaultTtl: -1
  }
  {
    // The read model: per-request projections and a few aggregate documents (shared.app.reporting).
    id: 'reports'
    partitionKey: {
      paths: [
        '/id'
      ]
      kind: 'Hash'
      version: 2
    }
    indexingPolicy: indexingPolicy
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  // checkov:skip=CKV_AZURE_101: The Flex Consumption app has no VNet integration and no fixed outbound IPs, so it reaches Cosmos DB through the public endpoint; local (key) auth is disabled, so each call needs an Entra ID token with a data-plane role.
  // checkov:skip=CKV_AZURE_99: Same as CKV_AZURE_101: no IP rule can name the Flex app's outbound addresses; access is Entra ID RBAC only.
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [for c in containers: {
  parent: database
  name: c.id
  properties: {
    resource: c
  }
}]

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
