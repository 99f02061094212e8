import { aggregate } from '@kpl-lambda/core';
const N=20000;
const recs = Array.from({length:N},(_,i)=>({partitionKey:`key-${i%1000}`, data: Buffer.alloc(200, i%251)}));
for(let i=0;i<300;i++) aggregate(recs);
const s=performance.now(); for(let i=0;i<500;i++) aggregate(recs); console.log(((performance.now()-s)/500).toFixed(2));
